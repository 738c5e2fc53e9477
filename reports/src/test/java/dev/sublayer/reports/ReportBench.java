package dev.sublayer.reports;

import dev.sublayer.storage.StudyStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * The reports benchmark ({@code bench/reports/run.sh}), in two steps so the timing step starts cold:
 * <ul>
 *   <li>{@code generate <dir> [trials=10000] [seed=1]} builds a synthetic study (20-point learning curves,
 *       three rungs, re-evaluations, failures) through the real store in {@code <dir>/study};</li>
 *   <li>{@code time <dir> [warm-repeats=5]}, in a fresh JVM, times what {@code sublayer report} does — open the
 *       closed store read-only, snapshot it, analyse, render and write the HTML — first cold (the first report
 *       in this JVM, as the command runs it), then warm, with the phases, and prints the report's size.</li>
 * </ul>
 * Results go to stdout.
 */
public final class ReportBench {

    private ReportBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || !(args[0].equals("generate") || args[0].equals("time"))) {
            System.err.println("usage: ReportBench generate <dir> [trials=10000] [seed=1] | time <dir> [warm-repeats=5]");
            System.exit(2);
        }
        Path scratch = Files.createDirectories(Path.of(args[1]));
        Path studyDir = scratch.resolve("study");
        if (args[0].equals("generate")) {
            generate(studyDir, args.length > 2 ? Integer.parseInt(args[2]) : 10_000,
                    args.length > 3 ? Long.parseLong(args[3]) : 1);
        } else {
            time(scratch, studyDir, args.length > 2 ? Integer.parseInt(args[2]) : 5);
        }
    }

    private static void generate(Path studyDir, int n, long seed) throws IOException {
        if (Files.exists(studyDir)) {
            try (var files = Files.walk(studyDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        long g0 = System.nanoTime();
        SyntheticStudy study = SyntheticStudy.generate(seed, n, "bench", "reports benchmark", true);
        study.writeTo(studyDir);
        System.out.printf(Locale.ROOT, "study: %d trials, %d generations, store %.1f MB (built in %.1f s)%n",
                study.trials().size(), study.generations().size(),
                Files.size(StudyStore.studyFile(studyDir)) / 1e6, (System.nanoTime() - g0) / 1e9);
    }

    private static void time(Path scratch, Path studyDir, int repeats) throws IOException {
        Path out = scratch.resolve("report.html");
        double[] cold = once(studyDir, out);
        System.out.printf(Locale.ROOT, "cold (first report in a fresh JVM): open+read store %.2f s, analyse+render+write "
                + "%.2f s, total %.2f s%n", cold[0], cold[1], cold[0] + cold[1]);
        double[] totals = new double[repeats];
        double[] reads = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            double[] t = once(studyDir, out);
            reads[i] = t[0];
            totals[i] = t[0] + t[1];
        }
        Arrays.sort(totals);
        Arrays.sort(reads);
        if (repeats > 0) {
            System.out.printf(Locale.ROOT, "warm (median of %d): open+read store %.2f s, total %.2f s%n", repeats,
                    reads[repeats / 2], totals[repeats / 2]);
        }
        long html = Files.size(out);
        StudyView view;
        try (StudyStore store = StudyStore.openReadOnly(studyDir)) {
            view = SyntheticStudy.view(store, Instant.now());
        }
        int data = ReportData.json(new StudyAnalysis(view)).length();
        long md0 = System.nanoTime();
        ReportWriter.write(view, ReportFormat.MARKDOWN, scratch.resolve("report.md"));
        double md = (System.nanoTime() - md0) / 1e9;
        System.out.printf(Locale.ROOT, "html report for %d trials: %.2f MB (data %.2f MB, charting library %.2f MB); "
                + "markdown %.1f kB in %.2f s%n", view.trials().size(), html / 1e6, data / 1e6, 1_016_420 / 1e6,
                Files.size(scratch.resolve("report.md")) / 1e3, md);
        System.out.printf(Locale.ROOT, "targets: generate <= 5 s (cold %s), size < 5 MB (%s)%n",
                cold[0] + cold[1] <= 5 ? "met" : "MISSED", html < 5_000_000 ? "met" : "MISSED");
    }

    /** {read seconds, render-and-write seconds} of one report. */
    private static double[] once(Path studyDir, Path out) throws IOException {
        long t0 = System.nanoTime();
        StudyView view;
        try (StudyStore store = StudyStore.openReadOnly(studyDir)) {
            view = SyntheticStudy.view(store, Instant.now());
        }
        long t1 = System.nanoTime();
        ReportWriter.write(view, ReportFormat.HTML, out);
        long t2 = System.nanoTime();
        return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9};
    }
}
