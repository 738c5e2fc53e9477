package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerFailuresTest {

    @Test
    void aCrashNamesTheExitCodeTheDetailAndTheLastStderrLine() {
        TrialResult r = WorkerFailures.died(7, "could not send the trial: Broken pipe",
                List.of("stub worker: training A2 F13", "  crashing on purpose  "));
        assertThat(r.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(r.failure()).isEqualTo("worker crashed (exit code 7, could not send the trial: Broken pipe); "
                + "last stderr line: crashing on purpose");
        assertThat(WorkerFailures.died(-1, null, List.of()).failure()).isEqualTo("worker crashed (exit code -1)");
    }

    @Test
    void anOutOfMemoryErrorAnywhereInTheTailWinsOverTheLastLine() {
        TrialResult r = WorkerFailures.died(3, null, List.of("training",
                "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space", "\tat Foo.bar(Foo.java:1)"));
        assertThat(r.status()).isEqualTo(TrialStatus.OUT_OF_MEMORY);
        assertThat(r.failure()).isEqualTo("worker ran out of memory (exit code 3): "
                + "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space");
    }

    @Test
    void exitCode137IsTheOutOfMemoryKiller() {
        TrialResult r = WorkerFailures.died(137, null, List.of("training"));
        assertThat(r.status()).isEqualTo(TrialStatus.OUT_OF_MEMORY);
        assertThat(r.failure()).isEqualTo("worker was killed by SIGKILL (exit code 137), most likely by the "
                + "kernel's out-of-memory killer");
    }

    @Test
    void longLinesAreCutAt300Characters() {
        String line = "x".repeat(400);
        assertThat(WorkerFailures.died(1, null, List.of(line)).failure())
                .isEqualTo("worker crashed (exit code 1); last stderr line: " + "x".repeat(300) + "...");
        assertThat(WorkerFailures.notAResult(new IllegalArgumentException("bad json"), "{" + line).failure())
                .isEqualTo("worker answered something that is not a result (bad json): {" + "x".repeat(299) + "...");
    }

    @Test
    void timeoutsAndCancelsSayWhatHappened() {
        TrialResult t = WorkerFailures.timedOut(3.4);
        assertThat(t.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(t.failure()).isEqualTo(
                "worker timed out: no result after 3 s (the trial's time cap plus margin); killed");
        assertThat(WorkerFailures.cancelled().failure()).isEqualTo("cancelled");
        assertThat(WorkerFailures.cancelled().status()).isEqualTo(TrialStatus.FAILED);
    }
}
