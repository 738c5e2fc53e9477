package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.testing.SlowTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A search stopped by a signal says which one, exits with 128 + the signal, leaves a resumable study, and stops
 * Log4j cleanly (no "Unable to register Log4j shutdown hook").
 */
@NativeTest
@SlowTest
class SignalStopTest {

    /** Real training (dl4j, worker processes), slow enough to be stopped mid-trial. */
    private static final String SLOW = """
            name: signals
            seed: 5
            search_space: {depth: {min: 2, max: 3}, ffn_widths: [32], heads: [2], residual: [true], d_model: [16], context: 16}
            data: {corpus: europarl, batch_size: 4, validation_batches: 1}
            fidelity: {rungs: [{max_steps: 100000}]}
            search: {strategy: random, population: 2}
            budget: {max_trials: 2}
            reevaluation: {seeds: 0}
            workers: {count: 1, threads: 1, heap: 256m}
            """;

    @TempDir
    Path tmp;

    @Test
    void sigtermSighupAndSigintAreNamedExitWith128PlusTheSignalAndStopLog4jCleanly() throws Exception {
        Path config = Files.writeString(tmp.resolve("signals.yaml"), SLOW);
        Path dir = tmp.resolve("study");
        record Case(String signal, int exit, String reason) {
        }
        List<Case> cases = List.of(new Case("TERM", 143, "terminated by SIGTERM"),
                new Case("HUP", 129, "hung up: SIGHUP (the terminal closed)"),
                new Case("INT", 130, "interrupted by Ctrl-C (SIGINT)"));
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            CliProcess p = i == 0
                    ? CliProcess.start(tmp.resolve("logs"), c.signal(), "search", config.toString(), "--dir",
                            dir.toString())
                    : CliProcess.start(tmp.resolve("logs"), c.signal(), "resume", dir.toString());
            p.awaitErr("study 'signals'");
            Thread.sleep(1500); // a trial is training
            p.signal(c.signal());
            assertThat(p.await()).as(c.signal() + ": " + p.err()).isEqualTo(c.exit());
            assertThat(p.out()).contains("study 'signals' stopped (" + c.reason() + "); continue with: sublayer "
                    + "resume " + dir);
            assertThat(p.err()).as(c.signal()).doesNotContain("Log4j", "interrupted (Ctrl-C)");
            try (StudyStore s = StudyStore.openReadOnly(dir)) {
                assertThat(s.info().status()).isEqualTo("interrupted");
                assertThat(s.events().stream().filter(e -> e.type().equals("search_stopped"))
                        .map(StudyEvent::message).toList().getLast()).isEqualTo(c.reason());
            }
        }
    }
}
