package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.testing.SlowTest;
import dev.sublayer.testing.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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

    /** A stop signal, the exit code it must give and the reason it must be named by. */
    enum StopSignal {
        TERM(15, 143, "terminated by SIGTERM"),
        HUP(1, 129, "hung up: SIGHUP (the terminal closed)"),
        INT(2, 130, "interrupted by Ctrl-C (SIGINT)");

        final int number;
        final int exit;
        final String reason;

        StopSignal(int number, int exit, String reason) {
            this.number = number;
            this.exit = exit;
            this.reason = reason;
        }
    }

    @ParameterizedTest
    @EnumSource(StopSignal.class)
    void aStopSignalIsNamedExitsWith128PlusItAndStopsLog4jCleanly(StopSignal signal) throws Exception {
        // A process started with a signal ignored (a background job of a non-interactive shell ignores SIGINT,
        // nohup SIGHUP) passes that on to the command, which then rightly never hears it: nothing to test there.
        TestEnvironment.skipUnless(!ignoredByThisProcess(signal.number), "SIG" + signal + " is ignored by this "
                + "process (started in the background or under nohup), so the command started from it ignores it too");
        Path config = Files.writeString(tmp.resolve("signals.yaml"), SLOW);
        Path dir = tmp.resolve("study");
        CliProcess p = CliProcess.start(tmp.resolve("logs"), signal.name(), "search", config.toString(), "--dir",
                dir.toString());
        p.awaitErr("study 'signals'");
        Thread.sleep(1500); // a trial is training
        p.signal(signal.name());
        assertThat(p.await()).as(signal + ": " + p.err()).isEqualTo(signal.exit);
        assertThat(p.out()).contains("study 'signals' stopped (" + signal.reason + "); continue with: sublayer "
                + "resume " + dir);
        assertThat(p.err()).as(signal.name()).doesNotContain("Log4j", "interrupted (Ctrl-C)");
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.info().status()).isEqualTo("interrupted");
            assertThat(s.events().stream().filter(e -> e.type().equals("search_stopped"))
                    .map(StudyEvent::message).toList().getLast()).isEqualTo(signal.reason);
        }
    }

    /** Whether signal {@code number} is ignored by this process ({@code SigIgn} of /proc/self/status). */
    private static boolean ignoredByThisProcess(int number) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                return (mask & (1L << (number - 1))) != 0;
            }
        }
        return false;
    }
}
