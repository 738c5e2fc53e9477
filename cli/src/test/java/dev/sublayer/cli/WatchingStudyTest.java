package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.StubEngine;
import dev.sublayer.search.TrialProgress;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.exec.InProcessExecutor;
import dev.sublayer.search.progress.SearchProgress;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.testing.SlowTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Watching a running study: {@code study info}, {@code report} and {@code export} read it while its trials finish
 * (from the snapshot its search publishes), its report is refreshed while trials finish, and
 * {@code study budget} changes it, running or stopped. The search trains with the stub engine.
 */
class WatchingStudyTest {

    @TempDir
    Path tmp;

    private static String yaml(int maxTrials) {
        return """
                name: watched
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
                  rungs: [{max_steps: 20}, {max_steps: 40}]
                  keep_fraction: 0.34
                search: {strategy: random, population: 6}
                budget: {max_trials: %d}
                reevaluation: {seeds: 1, max_candidates: 1}
                workers: {count: 2, threads: 1, mode: in_process}
                """.formatted(maxTrials);
    }

    /** Starts the study of {@code yaml} in {@code dir}, each stub step taking {@code millisPerStep}. */
    private static CompletableFuture<SearchOutcome> start(String yaml, Path dir, double millisPerStep,
                                                          SearchListener listener) {
        Search search = Search.open(StudyConfigReader.read(yaml), yaml, dir, "test",
                context -> new InProcessExecutor(context.config().workers().count(),
                        () -> new StubEngine(millisPerStep, new StubEngine.Counters())));
        return CompletableFuture.supplyAsync(() -> search.run(listener));
    }

    @Test
    @SlowTest
    void infoReportAndExportReadARunningStudyWhileItsTrialsFinish() throws Exception {
        Path dir = tmp.resolve("study");
        String yaml = yaml(12);
        ConcurrentLinkedQueue<String> reportSeenBy = new ConcurrentLinkedQueue<>();
        StringWriter progress = new StringWriter();
        SearchProgress lines = SearchProgress.lines(new PrintWriter(progress, true));
        // A report refreshed after every trial: the timer's interval set to zero.
        Search search = Search.open(StudyConfigReader.read(yaml), yaml, dir, "test",
                context -> new InProcessExecutor(context.config().workers().count(),
                        () -> new StubEngine(30, new StubEngine.Counters())));
        SearchListener watched = new ReportRefresh(new SearchListener() {
            @Override
            public void trialFinished(TrialProgress p, StudyStorage store) {
                lines.trialFinished(p, store);
                if (p.generation() == 0 && Files.exists(dir.resolve("report.html"))) {
                    reportSeenBy.add(p.trial().key());
                }
            }
        }, search.context(), Duration.ZERO);
        CompletableFuture<SearchOutcome> running = CompletableFuture.supplyAsync(() -> search.run(watched));

        JsonMapper json = JsonMapper.builder().build();
        List<Long> trialsSeen = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int[] snapshotReads = new int[3]; // info, report, export
        String note = "sublayer: study " + dir + " is running: read from its snapshot of ";
        Path report = tmp.resolve("live.md");
        Path export = tmp.resolve("live.jsonl");
        while (!running.isDone()) {
            CliRunner info = CliRunner.run("study", "info", dir.toString(), "--json");
            if (info.exitCode() != 0) {
                // Only before the search has published its first snapshot.
                if (!info.err().contains("has published no snapshot") || !trialsSeen.isEmpty()) {
                    failures.add("info: " + info.err());
                }
                Thread.sleep(50);
                continue;
            }
            JsonNode v = json.readTree(info.out());
            trialsSeen.add(v.get("trials").longValue());
            if (!v.get("snapshot_time").isNull()) {
                snapshotReads[0]++;
                assertThat(v.get("status").stringValue()).isIn("created", "running");
                assertThat(v.get("snapshot_age_seconds").doubleValue()).isBetween(0.0, 30.0);
                assertThat(info.err()).startsWith(note);
            }
            CliRunner md = CliRunner.run("report", dir.toString(), "--out", report.toString());
            CliRunner jsonl = CliRunner.run("export", dir.toString(), "--format", "jsonl", "--out", export.toString());
            for (CliRunner r : List.of(md, jsonl)) {
                if (r.exitCode() != 0) {
                    failures.add(r.err());
                }
            }
            // Each read is of a snapshot while the search runs, of the store once it has ended.
            if (md.err().startsWith(note)) {
                snapshotReads[1]++;
                assertThat(md.err()).endsWith(" old)\n");
                assertThat(Files.readString(report)).contains("watched");
            }
            if (jsonl.err().startsWith(note)) {
                snapshotReads[2]++;
                // The export is a whole study, taken no earlier than the info read before it.
                List<String> exported = Files.readAllLines(export);
                assertThat(exported.getFirst()).startsWith("{\"kind\":\"study\"");
                long trials = exported.stream().filter(l -> l.startsWith("{\"kind\":\"trial\"")).count();
                assertThat(trials).isGreaterThanOrEqualTo(trialsSeen.getLast());
            }
        }
        SearchOutcome o = running.get(60, TimeUnit.SECONDS);
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(failures).isEmpty();
        assertThat(java.util.Arrays.stream(snapshotReads).min().orElseThrow())
                .as("reads of the running study by each of info, report, export").isGreaterThanOrEqualTo(2);
        assertThat(trialsSeen).isSorted();
        long finalTrials;
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            finalTrials = s.trialCount();
        }
        assertThat(trialsSeen).anySatisfy(n -> assertThat(n).isBetween(1L, finalTrials - 1));
        // The report was there before generation 0 ended: refreshed as trials finished, not only per generation.
        assertThat(reportSeenBy).isNotEmpty();
        assertThat(progress.toString()).contains("gen 0, rung 0 1/6: ", "reeval, rung 1 1/1: ");
        // A stopped study is read from its store: no snapshot left, none mentioned.
        assertThat(dir.resolve("study.snapshot.mv.db")).doesNotExist();
        CliRunner after = CliRunner.run("study", "info", dir.toString(), "--json");
        assertThat(json.readTree(after.out()).get("snapshot_time").isNull()).isTrue();
        assertThat(after.err()).isEmpty();
    }

    @Test
    @SlowTest
    void studyBudgetChangesARunningStudyAtItsNextGenerationAndAStoppedOneAtOnce() throws Exception {
        Path dir = tmp.resolve("study");
        CompletableFuture<SearchOutcome> running = start(yaml(24), dir, 20, SearchListener.NONE);
        while (!running.isDone() && !Files.exists(dir.resolve("study.snapshot.mv.db"))) {
            Thread.sleep(20);
        }
        CliRunner lower = CliRunner.run("study", "budget", dir.toString(), "--max-trials", "6");
        assertThat(lower.exitCode()).as(lower.err()).isZero();
        assertThat(lower.out()).isEqualTo("budget of running study " + dir + " requested: max_trials 6; its search "
                + "applies it at its next generation (the next session, if it ends first) and logs it\n");
        SearchOutcome o = running.get(60, TimeUnit.SECONDS);
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(o.reason()).startsWith("max_trials (6) reached: ");
        assertThat(o.trainedCandidates()).isLessThan(24);

        CliRunner raise = CliRunner.run("study", "budget", dir.toString(), "--max-trials", "9", "--max-wall-hours",
                "0.5");
        assertThat(raise.exitCode()).as(raise.err()).isZero();
        assertThat(raise.out()).isEqualTo("budget of study " + dir + " changed: max_trials 6 -> 9, max_wall_hours "
                + "unlimited -> 0.5\n");
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.events()).filteredOn(e -> e.type().equals(StudyEvent.BUDGET_CHANGED))
                    .extracting(StudyEvent::message)
                    .containsExactly("budget changed: max_trials 24 -> 6",
                            "budget changed: max_trials 6 -> 9, max_wall_hours unlimited -> 0.5");
            assertThat(s.info().configAsGiven()).contains("budget: {max_trials: 9, max_wall_hours: 0.5}");
        }
    }

    @Test
    void studyBudgetRefusesBadValuesNamingTheOptionAndItsRange() {
        Path dir = tmp.resolve("none");
        String[][] cases = {
                {"--max-trials must be between 1 and 1000000000, got 0", "--max-trials", "0"},
                {"--max-generations must be between 1 and 1000000000, got -1", "--max-generations", "-1"},
                {"--max-wall-hours must be > 0 and <= 1000000, got -1.0", "--max-wall-hours", "-1"},
                {"--max-training-flops must be a finite number > 0, got NaN", "--max-training-flops", "NaN"},
                {"give at least one of --max-trials, --max-generations, --max-wall-hours, --max-training-flops"},
                {"Invalid value for option '--max-trials'", "--max-trials", "many"},
                {"no study at " + dir, "--max-trials", "5"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("study", "budget", dir.toString()));
            args.addAll(List.of(c).subList(1, c.length));
            CliRunner r = CliRunner.run(args.toArray(new String[0]));
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("sublayer: error: ").contains(c[0])
                    .doesNotContain("\n");
        }
        assertThat(dir).doesNotExist();
    }
}
