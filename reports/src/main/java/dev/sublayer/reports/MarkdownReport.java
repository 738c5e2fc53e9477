package dev.sublayer.reports;

import dev.sublayer.reports.StudyAnalysis.ArchResult;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.BuildInfo;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.TrialStatus;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The short Markdown summary: key numbers and the front as a table, to paste into a paper draft or an
 * issue. User text is escaped so a study name cannot change the document's structure.
 */
final class MarkdownReport {

    private MarkdownReport() {
    }

    static void write(StudyAnalysis a, Writer writer) {
        PrintWriter out = new PrintWriter(writer);
        StudyView v = a.view();
        StudyInfo info = v.info();
        out.println("# " + inline(info.name()) + " — Sublayer study report");
        out.println();
        if (!info.description().isBlank()) {
            for (String para : info.description().strip().split("\\R\\s*\\R")) {
                out.println(inline(para.replaceAll("\\R", " ")));
                out.println();
            }
        }
        out.println("| | |");
        out.println("|---|---|");
        row(out, "status", inline(info.status()));
        row(out, "started / ended", Fmt.time(info.created()) + " / "
                + (info.finished() == null ? "not yet" : Fmt.time(info.finished())) + " (" + Fmt.duration(a.elapsed()) + ")");
        List<String> counts = new ArrayList<>();
        a.statusCounts().forEach((s, n) -> {
            if (n > 0) {
                counts.add(n + " " + s.configName().replace('_', ' '));
            }
        });
        row(out, "trials", v.trials().size() + (counts.isEmpty() ? "" : " (" + String.join(", ", counts) + ")"));
        StudyPlan p = v.plan();
        BudgetUse use = a.budgetUse();
        int sessions = a.sessions().size();
        row(out, "compute", use.candidates() + (p.maxTrials().isPresent() ? " of " + p.maxTrials().getAsLong() : "")
                + " candidates trained at rung 0, " + a.trialsTrained() + " trials in all, "
                + Fmt.si(use.trainingFlops()) + " training FLOPs"
                + (p.maxTrainingFlops().isPresent() ? " of " + Fmt.si(p.maxTrainingFlops().getAsDouble()) : "")
                + (sessions == 0 ? "" : ", " + Fmt.duration(Duration.ofMillis(Math.round(use.wallSeconds() * 1000)))
                        + " wall time in " + sessions + (sessions == 1 ? " session" : " sessions")));
        row(out, "strategy", inline(p.strategy()));
        row(out, "objectives", p.objectives().stream().map(ObjectiveKind::description)
                .collect(Collectors.joining(", ")));
        a.best().ifPresentOrElse(b -> row(out, "best bits/byte (rung " + a.topRung() + ")",
                        Fmt.meanStd(b.bpbMean(), b.bpbStd()) + " — " + code(b)),
                () -> row(out, "best bits/byte", "no completed trial yet"));
        row(out, "front size", Integer.toString(a.front().size()));
        List<GenerationRecord> gens = v.generations();
        if (!gens.isEmpty()) {
            row(out, "generations", gens.size() + (Double.isFinite(gens.getLast().hypervolume())
                    ? String.format(Locale.ROOT, ", hypervolume %.4f", gens.getLast().hypervolume()) : ""));
        }
        if (a.utilisation().availableSeconds() > 0) {
            row(out, "worker utilisation", a.utilisation().describe());
        }
        row(out, "stacking FFNs", inline(HtmlReport.verdict(a).headline()));
        out.println();
        if (!a.front().isEmpty()) {
            out.println("## Front (rung " + a.frontRung() + ")");
            out.println();
            out.println("| # | architecture | non-emb. params | FLOPs/token | bits/byte | seeds | proposed by |");
            out.println("|---:|---|---:|---:|---:|---:|---|");
            int rank = 1;
            for (ArchResult f : a.front()) {
                out.println("| " + rank++ + " | " + code(f) + " | " + Fmt.si(f.params()) + " | " + Fmt.si(f.flops())
                        + " | " + Fmt.meanStd(f.bpbMean(), f.bpbStd()) + " | " + f.seeds() + " | "
                        + inline(StudyAnalysis.origin(f)) + " |");
            }
            out.println();
        }
        if (!a.templates().isEmpty()) {
            out.println("## Named layouts");
            out.println();
            out.println("| layout | architecture | rung | non-emb. params | bits/byte | seeds |");
            out.println("|---|---|---:|---:|---:|---:|");
            for (ArchResult t : a.templates()) {
                out.println("| " + inline(t.template()) + " | " + code(t) + " | " + t.rung() + " | " + Fmt.si(t.params())
                        + " | " + Fmt.meanStd(t.bpbMean(), t.bpbStd()) + " | " + t.seeds() + " |");
            }
            out.println();
        }
        List<ReportPage.ComparisonRow> comparisons = HtmlReport.comparisons(a);
        if (!comparisons.isEmpty()) {
            out.println("## Against interleaved (Welch t-test, two-sided, 5%)");
            out.println();
            out.println("| layout | seeds | Δ bits/byte | ± s.e. | t | p | reading |");
            out.println("|---|---:|---:|---:|---:|---:|---|");
            for (ReportPage.ComparisonRow c : comparisons) {
                out.println("| " + inline(c.layout()) + " | " + c.seeds() + " | " + c.difference() + " | " + c.se()
                        + " | " + c.t() + " | " + c.p() + " | " + c.outcome() + " |");
            }
            out.println();
        }
        long failed = a.statusCounts().get(TrialStatus.FAILED) + a.statusCounts().get(TrialStatus.DIVERGED)
                + a.statusCounts().get(TrialStatus.OUT_OF_MEMORY);
        out.println("Study seed " + info.seed() + (failed > 0 ? " · " + failed + " trials failed, diverged or ran out of memory" : "")
                + " · generated by Sublayer " + inline(BuildInfo.current().version()) + " at " + Fmt.time(v.generatedAt()) + ".");
        out.flush();
    }

    private static void row(PrintWriter out, String key, String value) {
        out.println("| " + key + " | " + value + " |");
    }

    private static String code(ArchResult a) {
        String n = a.arch() == null ? a.architecture() : a.arch().notation();
        // Notation never contains a backtick or a bar; a stored oddity is neutralised rather than trusted.
        return "`" + n.replace('`', '\'').replace("|", "\\|").replaceAll("\\R", " ") + "`";
    }

    /**
     * {@code s} as literal inline Markdown: one line; the characters that start emphasis, code, links, tables
     * or strike-through backslash-escaped; HTML's {@code <}, {@code >} and {@code &} as entities; and a leading
     * block marker ({@code #}, {@code -}, {@code +}, {@code =}, {@code 1.}) neutralised. It renders as the same
     * text and nothing else, without escaping ordinary punctuation that only matters elsewhere.
     */
    static String inline(String s) {
        String one = s.replaceAll("\\R", " ");
        StringBuilder b = new StringBuilder(one.length() + 8);
        for (int i = 0; i < one.length(); i++) {
            char c = one.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\\', '`', '*', '_', '[', ']', '|', '~' -> b.append('\\').append(c);
                default -> b.append(c);
            }
        }
        String t = b.toString();
        if (t.matches("^\\s*([#+=-]|\\d+[.)]).*")) {
            int k = 0;
            while (Character.isWhitespace(t.charAt(k))) {
                k++;
            }
            int end = k;
            while (end < t.length() && Character.isDigit(t.charAt(end))) {
                end++;
            }
            // Escape the marker character itself (after any digits of an ordered-list number).
            return t.substring(0, end) + "\\" + t.substring(end);
        }
        return t;
    }
}
