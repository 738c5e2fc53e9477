package dev.sublayer.reports;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number, time and size formatting shared by the HTML and Markdown reports; locale-independent. */
final class Fmt {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    /** A count with an SI suffix: {@code 826.4k}, {@code 12.35M}, {@code 1.2G}; {@code -} if not finite. */
    static String si(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a < 1e3) {
            return a == Math.rint(a) ? String.format(Locale.ROOT, "%d", (long) v) : String.format(Locale.ROOT, "%.3g", v);
        }
        String[] suffix = {"k", "M", "G", "T", "P", "E"};
        int i = (int) Math.min(suffix.length, Math.floor(Math.log10(a) / 3));
        double scaled = v / Math.pow(1000, i);
        return String.format(Locale.ROOT, Math.abs(scaled) >= 100 ? "%.1f%s" : "%.2f%s", scaled, suffix[i - 1]);
    }

    /** Bits per byte with four decimals; {@code -} if not finite. */
    static String bpb(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
    }

    /** A signed difference in bits per byte, e.g. {@code -0.0123}. */
    static String signed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.4f", v) : "–";
    }

    /** A mean with its standard deviation when there is one: {@code 1.2345 ± 0.0100}. */
    static String meanStd(double mean, double std) {
        return Double.isFinite(std) ? bpb(mean) + " ± " + bpb(std) : bpb(mean);
    }

    /** A fraction as a percentage with no decimals. */
    static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.0f%%", 100 * fraction) : "–";
    }

    /** Seconds as {@code 42 s}, {@code 3.5 min}, {@code 2.25 h}. */
    static String seconds(double s) {
        if (!Double.isFinite(s)) {
            return "–";
        }
        if (s < 120) {
            return String.format(Locale.ROOT, "%.1f s", s);
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%.1f min", s / 60);
        }
        return String.format(Locale.ROOT, "%.2f h", s / 3600);
    }

    /** A duration as {@code 3 h 12 min}, {@code 4 min 5 s} or {@code 12 s}. */
    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }

    /** An instant in UTC, or {@code -} for {@code null}. */
    static String time(Instant t) {
        return t == null ? "–" : TIME.format(t);
    }

    /** A byte count as {@code 1.2 MB}. */
    static String bytes(double b) {
        return Double.isFinite(b) && b >= 0 ? si(b) + "B" : "–";
    }
}
