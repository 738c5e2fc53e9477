package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.reports.StudyAnalysis.ArchResult;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.testing.BrowserTest;
import dev.sublayer.testing.TestEnvironment;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Opens generated reports in headless Chromium and checks what a reader would see: no console errors, every
 * chart drew its points (counted from the chart instances), the front table has the front's rows, the trials
 * table filters, picking a trial adds its curve, and hostile study text stays text.
 *
 * <p>Without Chromium ({@code apt-get install chromium chromium-driver}) a local run skips this class and names
 * the skip on stderr; a CI run ({@code CI} set; {@code .ci/run} installs Chromium) fails instead. A Chromium that
 * is installed but fails is a test failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@BrowserTest
class BrowserReportTest {

    static final String XSS = "</script><script>alert(1)</script>";
    static final Instant NOW = Instant.parse("2026-03-02T07:00:00Z");

    private HeadlessChromium chromium;

    @BeforeAll
    void start() throws Exception {
        Optional<Path> binary = HeadlessChromium.find();
        TestEnvironment.require(binary.isPresent(), "Chromium is not installed (apt-get install chromium "
                + "chromium-driver, or set CHROMIUM to its path)");
        chromium = HeadlessChromium.start(binary.get());
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
    }

    private HeadlessChromium.Page open(Path html) throws InterruptedException {
        HeadlessChromium.Page page = chromium.newPage();
        // An alert that ran would land here instead of blocking the page.
        page.beforeEachDocument("window.__alerts = []; window.alert = function (m) { window.__alerts.push(String(m)); };");
        page.viewport(1400, 1000);
        page.navigate(html.toUri().toString());
        return page;
    }

    @Test
    void syntheticStudyRendersEveryChartAndTable(@TempDir Path dir) throws Exception {
        SyntheticStudy study = SyntheticStudy.generate(11, 220, "ordering " + XSS, "why? " + XSS + " & <b>", true);
        Path studyDir = dir.resolve("study");
        study.writeTo(studyDir);
        StudyView view;
        try (StudyStore store = StudyStore.openReadOnly(studyDir)) {
            view = SyntheticStudy.view(store, NOW);
        }
        Path html = ReportWriter.write(view, ReportFormat.HTML, dir.resolve("report.html"));
        StudyAnalysis a = new StudyAnalysis(view);
        assertThat(a.front()).isNotEmpty();

        HeadlessChromium.Page page = open(html);
        assertThat(page.eval("document.body.getAttribute('data-report-ready')").asString()).isEqualTo("ok");
        assertThat(page.errors()).isEmpty();
        assertThat(page.eval("window.sublayerErrors.length").asInt()).isZero();

        // Hostile text is text: no alert ran, no extra script element exists, the heading reads back verbatim.
        assertThat(page.eval("window.__alerts.length").asInt()).isZero();
        assertThat(page.eval("document.querySelectorAll('script').length").asInt()).isEqualTo(4);
        assertThat(page.eval("document.getElementById('study-name').textContent").asString())
                .isEqualTo(view.info().name());
        assertThat(page.eval("document.getElementById('study-description').textContent").asString())
                .isEqualTo(view.info().description());

        JsonNode charts = page.eval("Object.fromEntries(Object.keys(sublayerReport.charts)"
                + ".map(id => [id, sublayerReport.renderedPoints(id)]))");
        assertThat(charts.propertyNames()).containsExactlyInAnyOrder("chart-pareto-params", "chart-pareto-flops",
                "chart-progress", "chart-rate", "chart-curves", "chart-ord-run", "chart-ord-share", "chart-ord-com",
                "chart-ord-count", "chart-ord-heat");

        for (String id : List.of("chart-pareto-params", "chart-pareto-flops")) {
            JsonNode c = charts.get(id);
            int topRung = count(c, "rung " + a.topRung()) + count(c, "named templates");
            assertThat(topRung).as(id + " top-rung points").isEqualTo(a.topGroups().size());
            assertThat(count(c, "front (2-D)")).as(id + " front line")
                    .isEqualTo(StudyAnalysis.front2d(a.topGroups(), id.endsWith("params") ? ArchResult::params
                            : ArchResult::flops).size());
            assertThat(count(c, "templates, lower rung") + count(c, "lower rungs")).as(id + " lower rungs").isPositive();
            // Lower rungs start hidden; everything else is drawn, one element per point at least.
            assertThat(c.get("drawn").asInt()).as(id + " drawn").isGreaterThanOrEqualTo(topRung
                    + count(c, "templates, lower rung"));
        }
        int generations = view.generations().size();
        assertThat(count(charts.get("chart-progress"), "hypervolume")).isEqualTo(generations);
        assertThat(count(charts.get("chart-progress"), "best bits/byte")).isEqualTo(generations);
        long finished = view.trials().stream().filter(t -> t.finished() != null).count();
        assertThat(page.eval("(() => { const o = sublayerReport.charts['chart-rate'].getOption();"
                + " const d = JSON.parse(document.getElementById('report-data').textContent).rate;"
                + " return Math.round(o.series[0].data.reduce((s, p) => s + p[1], 0) * d.binMinutes / 60); })()")
                .asLong()).as("trials in the rate chart").isEqualTo(finished);

        JsonNode curves = charts.get("chart-curves");
        List<Integer> frontWithCurves = a.front().stream().map(ArchResult::representative)
                .filter(t -> !view.trials().get(t).result().curve().isEmpty()).toList();
        assertThat(curves.get("series").size()).isEqualTo(frontWithCurves.size());
        for (int i = 0; i < frontWithCurves.size(); i++) {
            long validPoints = view.trials().get(frontWithCurves.get(i)).result().curve().stream()
                    .filter(p -> Double.isFinite(p.validLoss())).count();
            assertThat(curves.get("series").get(i).get("count").asLong()).isEqualTo(validPoints);
        }

        long orderingPoints = a.topGroups().stream()
                .filter(g -> g.features() != null && Double.isFinite(a.orderingValue(g))).count();
        for (String id : List.of("chart-ord-run", "chart-ord-share", "chart-ord-count")) {
            int scatter = 0;
            for (JsonNode s : charts.get(id).get("series")) {
                scatter += s.get("type").asString().equals("scatter") ? s.get("count").asInt() : 0;
            }
            assertThat(scatter).as(id).isEqualTo(orderingPoints);
        }
        long withAttention = a.topGroups().stream().filter(g -> g.features() != null
                && g.features().attentionCount() > 0 && Double.isFinite(a.orderingValue(g))).count();
        assertThat(charts.get("chart-ord-com").get("total").asLong()).isEqualTo(withAttention);
        assertThat(count(charts.get("chart-ord-run"), "mean ± s.e.")).isEqualTo(a.runGroups().size());
        StudyAnalysis.DepthHeat heat = a.depthHeat();
        long cells = 0;
        for (int d = 0; d < heat.maxDepth(); d++) {
            cells += (Double.isNaN(heat.bestAttention()[d]) ? 0 : 1) + (Double.isNaN(heat.restAttention()[d]) ? 0 : 1);
        }
        assertThat(charts.get("chart-ord-heat").get("total").asLong()).isEqualTo(cells);

        // The front table: one row per front architecture, in order, with its notation.
        JsonNode rows = page.eval("Array.from(document.querySelectorAll('#front-table tbody tr'))"
                + ".map(tr => tr.querySelector('code').textContent)");
        List<String> expected = a.front().stream().map(f -> f.arch().notation()).toList();
        List<String> actual = new ArrayList<>();
        rows.forEach(r -> actual.add(r.asString()));
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(page.eval("document.querySelectorAll('#front-table svg.strip').length").asInt())
                .isEqualTo(expected.size());

        // The trials table pages, filters by status, and a picked trial adds its learning curve.
        assertThat(page.eval("document.querySelectorAll('#trials-table tbody tr').length").asInt())
                .isEqualTo(Math.min(100, view.trials().size()));
        long failed = view.trials().stream().filter(t -> t.status() == TrialStatus.FAILED).count();
        assertThat(failed).isPositive();
        page.eval("(() => { const s = document.getElementById('trial-status'); s.value = 'failed';"
                + " s.dispatchEvent(new Event('change')); })()");
        assertThat(page.eval("document.querySelectorAll('#trials-table tbody tr').length").asLong()).isEqualTo(failed);
        assertThat(page.eval("document.getElementById('trial-count').textContent").asString())
                .isEqualTo(failed + " of " + view.trials().size() + " trials match");
        int extra = firstCompletedOffFront(view.trials(), frontWithCurves);
        page.eval("sublayerReport.pick(" + extra + ")");
        assertThat(page.eval("sublayerReport.renderedPoints('chart-curves').series.length").asInt())
                .isEqualTo(frontWithCurves.size() + 1);
        assertThat(page.errors()).isEmpty();

        Files.write(Path.of("target", "browser-report.png"), page.screenshot());
    }

    @Test
    void newStudyWithoutTrialsRendersEmptyStates(@TempDir Path dir) throws Exception {
        StudyInfo info = new StudyInfo("fresh", "", 1, "", "", "running", NOW.minusSeconds(60), null, "",
                SyntheticStudy.PROVENANCE);
        try (StudyStore store = StudyStore.create(dir.resolve("study"), info)) {
            store.logEvent("study_started", "study created");
        }
        StudyView view;
        try (StudyStore store = StudyStore.openReadOnly(dir.resolve("study"))) {
            view = StudyView.of(store, Trials.PLAN, StudyFront.empty(Trials.OBJECTIVES), NOW);
        }
        HeadlessChromium.Page page = open(ReportWriter.write(view, ReportFormat.HTML, dir.resolve("r.html")));
        assertThat(page.eval("document.body.getAttribute('data-report-ready')").asString()).isEqualTo("ok");
        assertThat(page.errors()).isEmpty();
        assertThat(page.eval("document.getElementById('front-table')").isNull()).isTrue();
        assertThat(page.eval("sublayerReport.renderedPoints('chart-pareto-params').total").asInt()).isZero();
        assertThat(page.eval("sublayerReport.charts['chart-pareto-params'].getOption().title[0].text").asString())
                .isEqualTo("No completed trials yet");
        assertThat(page.eval("document.getElementById('trial-count').textContent").asString()).isEqualTo("0 trials");
    }

    @Test
    void trialsThatValidatedOnlyOnceShowTheirTrainingLossAsACurve(@TempDir Path dir) throws Exception {
        // As in the quickstart: training loss every 10 steps, validation only at the end of the rung.
        List<dev.sublayer.trial.CurvePoint> curve = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            double valid = i == 10 ? 1.9 : Double.NaN;
            curve.add(new dev.sublayer.trial.CurvePoint(10L * i, 640L * i, i, 3.0 - 0.1 * i, valid));
        }
        TrialRecord base = Trials.completed("A2 F64", 0, 2.7, "nsga2");
        TrialRecord t = Trials.record(base.architecture(), 0, "nsga2", new dev.sublayer.trial.TrialResult(
                TrialStatus.COMPLETED, base.result().metrics(), curve, "", base.result().provenance()));
        StudyView view = Trials.view(List.of(t), Trials.front(t));
        HeadlessChromium.Page page = open(ReportWriter.write(view, ReportFormat.HTML, dir.resolve("r.html")));
        assertThat(page.eval("document.body.getAttribute('data-report-ready')").asString()).isEqualTo("ok");
        assertThat(page.errors()).isEmpty();
        JsonNode curves = page.eval("sublayerReport.renderedPoints('chart-curves')");
        assertThat(curves.get("series")).hasSize(1);
        assertThat(curves.get("series").get(0).get("count").asInt()).as("a curve, not a dot").isEqualTo(10);
        assertThat(curves.get("series").get(0).get("name").asString()).endsWith("(train loss)");
        assertThat(page.eval("sublayerReport.charts['chart-curves'].getOption().yAxis[0].name").asString())
                .contains("training");
    }

    private static int count(JsonNode chart, String series) {
        for (JsonNode s : chart.get("series")) {
            if (s.get("name").asString().equals(series)) {
                return s.get("count").asInt();
            }
        }
        return 0;
    }

    private static int firstCompletedOffFront(List<TrialRecord> trials, List<Integer> front) {
        for (int i = 0; i < trials.size(); i++) {
            if (!front.contains(i) && trials.get(i).status() == TrialStatus.COMPLETED) {
                return i;
            }
        }
        throw new AssertionError("the synthetic study has no completed trial off the front");
    }
}
