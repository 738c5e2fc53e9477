package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.reports.LiveStatus;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.TrialProgress;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --serve}, {@code --host} and {@code sublayer serve}: their refusals, and the live state a search keeps. */
class DashboardCommandTest {

    @TempDir
    Path tmp;

    private static final Provenance PROVENANCE = new Provenance("0", "c", "25", "stub", "none", "cpu", "linux", "h");

    private Path config() throws Exception {
        Path c = tmp.resolve("s.yaml");
        Files.writeString(c, """
                name: served
                seed: 3
                search_space:
                  depth: {min: 2, max: 3}
                  ffn_widths: [32]
                  heads: [2]
                  d_model: [32]
                  context: 16
                data: {corpus: europarl, batch_size: 4, validation_batches: 1}
                fidelity:
                  rungs: [{max_steps: 20}]
                search: {strategy: random, population: 2}
                budget: {max_trials: 2}
                workers: {count: 1, threads: 1, mode: in_process}
                """);
        return c;
    }

    @Test
    void aPortInUseRefusesTheSearchBeforeTheStudyIsCreated() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            Path dir = tmp.resolve("study");
            CliRunner r = CliRunner.run("search", config().toString(), "--dir", dir.toString(), "--serve",
                    Integer.toString(port));
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("sublayer: error: cannot serve the dashboard on 127.0.0.1 port " + port
                    + ": the port is in use");
            assertThat(dir).doesNotExist();
        }
    }

    @Test
    void badDashboardOptionsAreRefusedNamingThem() throws Exception {
        Path dir = tmp.resolve("study");
        CliRunner host = CliRunner.run("search", config().toString(), "--dir", dir.toString(), "--host", "0.0.0.0");
        assertThat(host.exitCode()).isEqualTo(2);
        assertThat(host.err()).contains("--host applies to the dashboard: add --serve [PORT]");
        CliRunner port = CliRunner.run("search", config().toString(), "--dir", dir.toString(), "--serve", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("--serve must be a port between 0 and 65535, got 70000");
        assertThat(dir).doesNotExist();
        CliRunner serve = CliRunner.run("serve", tmp.resolve("none").toString(), "--port", "0");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.err()).startsWith("sublayer: error: ").contains(tmp.resolve("none").toString());
        CliRunner resume = CliRunner.run("resume", tmp.resolve("none").toString(), "--serve", "-1");
        assertThat(resume.exitCode()).isEqualTo(2);
        assertThat(resume.err()).contains("--serve must be a port between 0 and 65535, got -1");
    }

    private static TrialRecord running(String key, String worker) {
        return TrialRecord.running(key, "d32 n16 pre: A2 F32", 0, 1, Budget.steps(20), 0, Origin.parse("random"),
                worker, Instant.parse("2026-01-01T00:00:00Z"), PROVENANCE);
    }

    @Test
    void aServedSearchKnowsItsRunningTrialsCurvesWorkersAndWhereItStands() {
        List<String> passedOn = new ArrayList<>();
        LiveDashboard live = new LiveDashboard().attach(new SearchListener() {
            @Override
            public void trialProgress(TrialRecord trial, TrialStep step) {
                passedOn.add(trial.key() + "@" + step.step());
            }
        }, new StudyConfig.Workers(2, 1, "1g", StudyConfig.WorkerMode.PROCESS, 0, 0));
        live.generationStarted(1, 4);
        TrialRecord a = running("ka", "worker-2 pid 77 gpu 1");
        live.trialStarted(a);
        live.trialProgress(a, new TrialStep(1, 20, 64, 4.5));
        live.trialProgress(a, new TrialStep(9, 20, 576, 3.5));
        LiveStatus s = live.status();
        assertThat(s.generation()).isEqualTo(1);
        assertThat(s.workers()).containsExactly(new LiveStatus.Worker("worker-1", ""),
                new LiveStatus.Worker("worker-2 pid 77 gpu 1", "ka"));
        assertThat(s.running()).hasSize(1);
        assertThat(s.running().getFirst().worker()).isEqualTo("worker-2 pid 77 gpu 1");
        assertThat(s.running().getFirst().curve()).containsExactly(new LiveStatus.Step(1, 20, 64, 4.5),
                new LiveStatus.Step(9, 20, 576, 3.5));
        assertThat(passedOn).containsExactly("ka@1", "ka@9");

        TrialRecord done = a.finish(new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(), "x",
                PROVENANCE), Instant.parse("2026-01-01T00:00:05Z"));
        live.trialFinished(new TrialProgress(done, 1, List.of(new TrialProgress.RungCount(0, 1, 4)), 3, 10, 2.5, 0,
                65, 120), null);
        s = live.status();
        assertThat(s.running()).isEmpty();
        assertThat(s.workers()).allMatch(w -> !w.busy());
        assertThat(s.rungs()).containsExactly(new LiveStatus.RungCount(0, 1, 4));
        assertThat(s.candidates()).isEqualTo(3);
        assertThat(s.maxTrials()).isEqualTo(10);
        assertThat(s.bestBitsPerByte()).isEqualTo(2.5);
        assertThat(s.etaSeconds()).isEqualTo(120);
    }
}
