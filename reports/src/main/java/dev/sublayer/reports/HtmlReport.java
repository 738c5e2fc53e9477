package dev.sublayer.reports;

import dev.sublayer.reports.ReportPage.Appendix;
import dev.sublayer.reports.ReportPage.BudgetLine;
import dev.sublayer.reports.ReportPage.EventRow;
import dev.sublayer.reports.ReportPage.FrontRow;
import dev.sublayer.reports.ReportPage.Producer;
import dev.sublayer.reports.ReportPage.RunRow;
import dev.sublayer.reports.ReportPage.Stat;
import dev.sublayer.reports.ReportPage.Verdict;
import dev.sublayer.reports.StudyAnalysis.ArchResult;
import dev.sublayer.reports.StudyAnalysis.StackingVerdict;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.BuildInfo;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.StudyStatus;
import dev.sublayer.trial.TrialStatus;
import gg.jte.Content;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.WriterOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders the HTML report: formats the analysis into a {@link ReportPage} and writes it through the
 * precompiled {@code report.jte} template, inlining the charting library, the page script and the style
 * sheet so the file opens offline.
 */
final class HtmlReport {

    /** The charting library inside its webjar. */
    static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

    /** Events listed in the appendix at most (newest first). */
    static final int MAX_EVENTS = 200;

    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(null, ContentType.Html,
            HtmlReport.class.getClassLoader(), "dev.sublayer.reports");

    private static final String ECHARTS_SOURCE = inlineScript(resource(ECHARTS));
    private static final String SCRIPT_SOURCE = inlineScript(resource("/dev/sublayer/reports/report.js"));
    private static final String STYLE_SOURCE = resource("/dev/sublayer/reports/report.css");

    private HtmlReport() {
    }

    /** Writes the report of {@code a} to {@code out}. */
    static void write(StudyAnalysis a, Writer out) {
        ENGINE.render("report.jte", page(a), new WriterOutput(out));
    }

    static ReportPage page(StudyAnalysis a) {
        StudyView v = a.view();
        StudyInfo info = v.info();
        List<ArchResult> templates = a.templates();
        int widestFfn = java.util.stream.Stream.concat(a.front().stream(), templates.stream())
                .filter(f -> f.arch() != null).flatMap(f -> f.arch().sublayers().stream())
                .mapToInt(s -> Math.max(1, ArchitectureStrip.ffnWidth(s))).max().orElse(1);
        List<FrontRow> front = new ArrayList<>();
        for (ArchResult f : a.front()) {
            front.add(row(a, f, front.size() + 1, widestFfn,
                    StudyAnalysis.origin(f)));
        }
        List<FrontRow> named = templates.stream().map(t -> row(a, t, t.rung(), widestFfn, t.template())).toList();
        String objectives = v.plan().objectives().stream().map(ObjectiveKind::description)
                .collect(Collectors.joining(", "));
        String version = BuildInfo.current().version() + " (" + BuildInfo.current().commit() + ")";
        return new ReportPage(info.name(), info.description(), info.status(), statusClass(info.status()),
                Fmt.time(info.created()), info.finished() == null ? "not yet" : Fmt.time(info.finished()),
                Fmt.duration(a.elapsed()), Fmt.time(v.generatedAt()), statusCounts(a), budget(a),
                v.plan().strategy(), a.strategyCounts().entrySet().stream()
                        .map(e -> new Stat(e.getKey(), Integer.toString(e.getValue()), "")).toList(),
                keyNumbers(a), a.topRung(), a.frontRung(), objectives, front, verdict(a), named, comparisons(a),
                runRows(a), orderingNote(a), appendix(a),
                version, raw(ReportData.json(a)), raw(ECHARTS_SOURCE), raw(SCRIPT_SOURCE), raw(STYLE_SOURCE));
    }

    private static FrontRow row(StudyAnalysis a, ArchResult f, int rank, int widestFfn, String origin) {
        TrialRecord rep = a.view().trials().get(f.representative());
        String dims = f.arch() == null ? "" : "d" + f.arch().dModel() + " n" + f.arch().context() + " "
                + f.arch().norm().configName();
        return new FrontRow(rank, f.representative(), rep.key(),
                f.arch() == null ? null : ArchitectureStrip.of(f.arch(), widestFfn),
                f.arch() == null ? f.architecture() : f.arch().notation(), dims, Fmt.si(f.params()), Fmt.si(f.flops()),
                Fmt.meanStd(f.bpbMean(), f.bpbStd()), f.seeds(), Fmt.seconds(f.seconds()), Fmt.percent(f.accuracy()),
                origin, Fmt.signed(a.delta(f)));
    }

    private static String statusClass(String status) {
        return StudyStatus.parse(status).map(s -> switch (s) {
            case FINISHED -> "st-ok";
            case RUNNING -> "st-run";
            case INTERRUPTED -> "st-warn";
            case CREATED -> "st-other";
        }).orElse("st-other");
    }

    private static List<Stat> statusCounts(StudyAnalysis a) {
        List<Stat> out = new ArrayList<>();
        a.statusCounts().forEach((s, n) -> {
            if (n > 0 || s == TrialStatus.COMPLETED) {
                out.add(new Stat(s.configName().replace('_', ' '), Integer.toString(n), "ts-" + s.configName()));
            }
        });
        out.add(new Stat("total", Integer.toString(a.view().trials().size()), "ts-total"));
        return out;
    }

    private static List<BudgetLine> budget(StudyAnalysis a) {
        StudyPlan p = a.view().plan();
        BudgetUse use = a.budgetUse();
        List<BudgetLine> out = new ArrayList<>();
        long trained = use.candidates();
        out.add(new BudgetLine("candidates trained (rung 0)", Long.toString(trained),
                p.maxTrials().isPresent() ? Long.toString(p.maxTrials().getAsLong()) : "",
                p.maxTrials().isPresent() ? percent(trained, p.maxTrials().getAsLong()) : -1));
        int gens = a.view().generations().size();
        if (p.maxGenerations().isPresent() || gens > 0) {
            out.add(new BudgetLine("generations", Integer.toString(gens),
                    p.maxGenerations().isPresent() ? Long.toString(p.maxGenerations().getAsLong()) : "",
                    p.maxGenerations().isPresent() ? percent(gens, p.maxGenerations().getAsLong()) : -1));
        }
        double hours = use.wallSeconds() / 3600;
        int sessions = a.sessions().size();
        out.add(new BudgetLine("wall time (" + sessions + (sessions == 1 ? " session)" : " sessions, pauses excluded)"),
                Fmt.duration(java.time.Duration.ofMillis(Math.round(use.wallSeconds() * 1000))),
                p.maxWallHours().isPresent() ? Fmt.seconds(p.maxWallHours().getAsDouble() * 3600) : "",
                p.maxWallHours().isPresent() ? percent(hours, p.maxWallHours().getAsDouble()) : -1));
        double flops = use.trainingFlops();
        out.add(new BudgetLine("training FLOPs", Fmt.si(flops),
                p.maxTrainingFlops().isPresent() ? Fmt.si(p.maxTrainingFlops().getAsDouble()) : "",
                p.maxTrainingFlops().isPresent() ? percent(flops, p.maxTrainingFlops().getAsDouble()) : -1));
        return out;
    }

    private static int percent(double used, double limit) {
        return (int) Math.max(0, Math.min(100, Math.round(100 * used / limit)));
    }

    private static List<Stat> keyNumbers(StudyAnalysis a) {
        List<Stat> out = new ArrayList<>();
        a.best().ifPresentOrElse(b -> out.add(new Stat("best bits/byte (rung " + a.topRung() + ")",
                        Fmt.meanStd(b.bpbMean(), b.bpbStd()), "")),
                () -> out.add(new Stat("best bits/byte", "no completed trial yet", "")));
        out.add(new Stat(a.frontRung() < 0 ? "front size" : "front size (rung " + a.frontRung() + ")",
                Integer.toString(a.front().size()), ""));
        out.add(new Stat("architectures at the top rung", Integer.toString(a.topGroups().size()), ""));
        var gens = a.view().generations();
        out.add(new Stat("generations", Integer.toString(gens.size()), ""));
        if (!gens.isEmpty() && Double.isFinite(gens.getLast().hypervolume())) {
            out.add(new Stat("hypervolume", String.format(Locale.ROOT, "%.4f", gens.getLast().hypervolume()), ""));
        }
        if (a.utilisation().availableSeconds() > 0) {
            out.add(new Stat("worker utilisation", a.utilisation().describe(), ""));
        }
        return out;
    }

    static Verdict verdict(StudyAnalysis a) {
        StackingVerdict s = a.stacking();
        String what = a.sizeAdjusted() ? "size-adjusted bits/byte" : "bits/byte";
        String detail = String.format(Locale.ROOT,
                "Strictly interleaved FFNs (longest FFN run 1): %d architectures, mean %s; "
                        + "stacked FFNs (longest run ≥ 2): %d architectures, mean %s; difference %s ± %s (± 1 s.e.).",
                s.interleaved().n(), Fmt.signed(s.interleaved().mean()), s.stacked().n(), Fmt.signed(s.stacked().mean()),
                Fmt.signed(s.difference()), Double.isFinite(s.se()) ? Fmt.bpb(s.se()) : "–");
        return switch (s.outcome()) {
            case INSUFFICIENT -> new Verdict("neutral", "Not enough top-rung architectures yet to compare stacked "
                    + "and interleaved FFNs (need two of each).", detail);
            case NO_CLEAR_DIFFERENCE -> new Verdict("neutral", "Stacking FFNs: no clear difference — stacked and "
                    + "interleaved layouts are within two standard errors on " + what + ".", detail);
            case STACKING_HELPS -> new Verdict("good", "Stacking FFNs helps: stacked layouts reach lower " + what
                    + " than strictly interleaved ones (by " + Fmt.bpb(-s.difference()) + ").", detail);
            case STACKING_HURTS -> new Verdict("bad", "Stacking FFNs hurts: stacked layouts reach higher " + what
                    + " than strictly interleaved ones (by " + Fmt.bpb(s.difference()) + ").", detail);
        };
    }

    static List<ReportPage.ComparisonRow> comparisons(StudyAnalysis a) {
        return a.versusReference().stream().map(c -> new ReportPage.ComparisonRow(c.layout(), c.n(),
                Fmt.signed(c.difference()), Fmt.bpb(c.se()), String.format(Locale.ROOT, "%+.2f", c.t()),
                c.p() < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", c.p()), c.outcome().words(),
                switch (c.outcome()) {
                    case BETTER -> "good";
                    case WORSE -> "bad";
                    case WITHIN_NOISE -> "neutral";
                })).toList();
    }

    private static List<RunRow> runRows(StudyAnalysis a) {
        return a.runGroups().stream().map(g -> new RunRow(g.longestRun(), g.n(), Fmt.signed(g.mean()),
                Double.isFinite(g.se()) ? Fmt.bpb(g.se()) : "–")).toList();
    }

    private static String orderingNote(StudyAnalysis a) {
        if (a.sizeAdjusted()) {
            return String.format(Locale.ROOT, "y = size-adjusted bits/byte: each architecture's bits/byte minus "
                    + "what a least-squares fit bits/byte = %.4f %+.4f·ln(non-embedding params) over all rung-%d "
                    + "architectures expects at its size. Below 0 = better than its size predicts.",
                    a.fitIntercept(), a.fitSlope(), a.topRung());
        }
        return "y = validation bits/byte (fewer than three distinct sizes at the top rung, so no size adjustment).";
    }

    private static Appendix appendix(StudyAnalysis a) {
        StudyInfo info = a.view().info();
        List<Stat> prov = provenance(info.provenance());
        Map<Producer, Integer> producers = new LinkedHashMap<>();
        for (TrialRecord t : a.view().trials()) {
            Provenance p = t.result().provenance();
            producers.merge(producer(p, 0), 1, Integer::sum);
        }
        List<Producer> prod = producers.entrySet().stream()
                .map(e -> new Producer(e.getKey().version(), e.getKey().jdk(), e.getKey().engine(),
                        e.getKey().device(), e.getKey().host(), e.getValue()))
                .toList();
        List<StudyEvent> events = a.view().events();
        List<EventRow> rows = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0 && rows.size() < MAX_EVENTS; i--) {
            StudyEvent e = events.get(i);
            rows.add(new EventRow(Fmt.time(e.time()), e.type(), e.message()));
        }
        Map<String, Integer> types = new LinkedHashMap<>();
        events.forEach(e -> types.merge(e.type(), 1, Integer::sum));
        String file = slug(info.name()) + ".resolved.yaml";
        return new Appendix(Long.toString(info.seed()), info.command(), file, "sublayer search " + file,
                info.configResolved(), info.configAsGiven(), prov, prod, rows,
                types.entrySet().stream().map(e -> new Stat(e.getKey(), Integer.toString(e.getValue()), "")).toList(),
                rows.size(), events.size());
    }

    private static List<Stat> provenance(Provenance p) {
        return List.of(new Stat("Sublayer", p.sublayerVersion() + " (commit " + p.gitCommit() + ")", ""),
                new Stat("JDK", p.jdk(), ""), new Stat("engine", p.engine(), ""), new Stat("backend", p.backend(), ""),
                new Stat("device", p.device(), ""), new Stat("host", p.host(), ""), new Stat("OS", p.os(), ""));
    }

    private static Producer producer(Provenance p, int trials) {
        return new Producer(p.sublayerVersion() + " (" + p.gitCommit() + ")", p.jdk(),
                p.engine() + " · " + p.backend(), p.device(), p.host() + " · " + p.os(), trials);
    }

    /** A file-name-safe version of {@code name}: letters, digits, {@code -} and {@code _}. */
    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "study" : s.length() > 60 ? s.substring(0, 60) : s;
    }

    private static Content raw(String text) {
        return output -> output.writeContent(text);
    }

    /**
     * Makes a script safe to inline: a {@code </script} inside it would end the element early. The sources
     * inlined here have none; should a new version bring one, the report fails loudly rather than break.
     */
    static String inlineScript(String source) {
        if (source.toLowerCase(Locale.ROOT).contains("</script") || source.contains("<!--")) {
            throw new IllegalStateException("an inlined script contains '</script' or '<!--' and would break the page");
        }
        return source;
    }

    private static String resource(String path) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + path + " is missing from the reports jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + path, e);
        }
    }
}
