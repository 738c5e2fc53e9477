package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.reports.Dashboard;
import dev.sublayer.reports.HeadlessChromium;
import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.StubEngine;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.exec.InProcessExecutor;
import dev.sublayer.testing.BrowserTest;
import dev.sublayer.testing.SlowTest;
import dev.sublayer.testing.TestEnvironment;
import dev.sublayer.trial.TrialResult;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The live dashboard in headless Chromium, served by a running search (the stub engine, in process): the page loads,
 * shows the study, its running trials with their curves and its workers, and updates without a reload as trials
 * finish; a dashboard bound beyond loopback refuses a page opened without its token.
 */
@BrowserTest
@SlowTest
class BrowserDashboardTest {

    @TempDir
    Path tmp;

    private static final String YAML = """
            name: watched-live
            description: "a <b>live</b> study & its <script>alert(1)</script>"
            seed: 3
            search_space:
              depth: {min: 2, max: 4}
              ffn_widths: [32, 64]
              heads: [2]
              residual: [true, false]
              d_model: [32]
              context: 16
            data: {corpus: europarl, batch_size: 4, validation_batches: 1}
            fidelity:
              rungs: [{max_steps: 20}]
            search: {strategy: random, population: 4}
            budget: {max_trials: 8}
            reevaluation: {seeds: 1, max_candidates: 1}
            workers: {count: 2, threads: 1, mode: in_process}
            """;

    /** An engine that reports its first step, then trains only once the gate is open. */
    private record GatedEngine(Engine engine, AtomicBoolean gate) implements Engine {
        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom,
                                 Optional<Path> checkpointTo) {
            listener.stepDone(1, request.budget().maxSteps(), 64, 4.0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!gate.get() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return engine.train(request, listener, resumeFrom, checkpointTo);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static String statValue(HeadlessChromium.Page page, String key) {
        JsonNode v = page.eval("(function () { var s = Array.from(document.querySelectorAll('.dash-stat'))"
                + ".find(function (e) { return e.querySelector('.k').textContent === '" + key + "'; });"
                + " return s ? s.querySelector('.v').textContent : ''; })()");
        return v.asString();
    }

    @Test
    void thePageShowsARunningStudyAndUpdatesAsItsTrialsFinish() throws Exception {
        Optional<Path> binary = HeadlessChromium.find();
        TestEnvironment.require(binary.isPresent(), "Chromium is not installed (apt-get install chromium "
                + "chromium-driver, or set CHROMIUM to its path)");
        Path dir = tmp.resolve("study");
        // Trials report a first step, then wait for the gate: the page sees them run before any finishes.
        AtomicBoolean gate = new AtomicBoolean();
        Search search = Search.open(StudyConfigReader.read(YAML), YAML, dir, "test",
                context -> new InProcessExecutor(context.config().workers().count(),
                        () -> new GatedEngine(new StubEngine(50, new StubEngine.Counters()), gate)));
        LiveDashboard live = new LiveDashboard().attach(SearchListener.NONE, search.context().config().workers());
        try (Dashboard dashboard = Dashboard.start(Dashboard.Binding.loopback(0),
                new StudyDashboard(dir, Optional.of(live)));
             HeadlessChromium chromium = HeadlessChromium.start(binary.get())) {
            CompletableFuture<SearchOutcome> running = CompletableFuture.supplyAsync(() -> search.run(live));
            HeadlessChromium.Page page = chromium.newPage();
            page.beforeEachDocument("window.__alerts = []; window.alert = function (m) { window.__alerts.push(m); };");
            page.viewport(1300, 1000);
            page.navigate(dashboard.url().toString());

            await("the page shows the study", () -> page.eval("document.getElementById('study-name').textContent")
                    .asString().equals("watched-live"));
            assertThat(page.eval("document.getElementById('study-description').textContent").asString())
                    .isEqualTo("a <b>live</b> study & its <script>alert(1)</script>");
            await("a running trial with its curve", () -> page.eval(
                    "Array.from(document.querySelectorAll('#running-table tbody tr td:nth-child(6)'))"
                            + ".some(function (td) { return /^\\d+ \\/ 20$/.test(td.textContent); })").booleanValue());
            assertThat(page.eval("document.querySelectorAll('#worker-list .chip.busy').length").intValue())
                    .isBetween(1, 2);
            assertThat(page.eval("document.querySelector('#worker-list').textContent").asString())
                    .contains("in-process-1", "in-process-2");
            assertThat(statValue(page, "completed")).isEmpty();
            gate.set(true);
            await("a finished trial counted", () -> !statValue(page, "completed").isEmpty());
            int completed = Integer.parseInt(statValue(page, "completed"));
            int updates = page.eval("Number(document.body.getAttribute('data-updates'))").intValue();
            await("more trials finished, shown without a reload", () -> {
                String c = statValue(page, "completed");
                return !c.isEmpty() && Integer.parseInt(c) > completed;
            });
            assertThat(page.eval("Number(document.body.getAttribute('data-updates'))").intValue())
                    .isGreaterThan(updates);
            assertThat(page.eval("document.querySelectorAll('#event-table tbody tr').length").intValue())
                    .isGreaterThan(2);
            assertThat(page.eval("document.getElementById('report-frame').getAttribute('src')").asString())
                    .startsWith("/report.html?v=");
            running.get(120, TimeUnit.SECONDS);
            await("the page shows the study finished", () -> page.eval(
                    "document.getElementById('study-status').textContent").asString().equals("finished"));
            assertThat(page.eval("window.__alerts.length").intValue()).isZero();
            assertThat(page.errors()).isEmpty();

            // Beyond loopback: a page opened without the token is refused.
            try (Dashboard wide = Dashboard.start(Dashboard.Binding.of("0.0.0.0", 0),
                    new StudyDashboard(dir, Optional.empty()))) {
                HeadlessChromium.Page refused = chromium.newPage();
                refused.navigate("http://127.0.0.1:" + wide.port() + "/");
                assertThat(refused.eval("document.body.textContent").asString()).contains("a token is required");
                HeadlessChromium.Page allowed = chromium.newPage();
                allowed.navigate(wide.url().toString().replace("0.0.0.0", "127.0.0.1"));
                await("the page with its token shows the study", () -> allowed.eval(
                        "document.getElementById('study-name').textContent").asString().equals("watched-live"));
                assertThat(allowed.errors()).isEmpty();
            }
        }
    }
}
