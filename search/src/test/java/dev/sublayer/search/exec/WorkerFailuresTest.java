package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.trial.FailureCause;
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
    void aKillFromOutsideIsNotAnOutOfMemoryAndNotTheCandidatesFailure() {
        // Exit code 137 is 128 + SIGKILL: kill -9 from outside, or the kernel's out-of-memory killer; without the
        // worker's own out-of-memory report it is no fault of the trial's.
        TrialResult r = WorkerFailures.died(137, null, List.of("training"));
        assertThat(r.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(r.cause()).isEqualTo(FailureCause.INFRASTRUCTURE);
        assertThat(r.failure()).isEqualTo("worker killed (signal 9)");
        TrialResult term = WorkerFailures.died(143, null, List.of());
        assertThat(term.failure()).isEqualTo("worker killed (signal 15)");
        assertThat(term.cause()).isEqualTo(FailureCause.INFRASTRUCTURE);

        TrialResult again = WorkerFailures.killedAgain(r);
        assertThat(again.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(again.cause()).isEqualTo(FailureCause.CANDIDATE);
        assertThat(again.failure()).isEqualTo("worker killed (signal 9), also when retried on a fresh worker (killed "
                + "by another process, or by the kernel's out-of-memory killer)");
    }

    @Test
    void theWorkersOwnOutOfMemoryReportWinsOverTheSignalThatEndedIt() {
        TrialResult r = WorkerFailures.died(137, null, List.of("java.lang.OutOfMemoryError: Java heap space"));
        assertThat(r.status()).isEqualTo(TrialStatus.OUT_OF_MEMORY);
        assertThat(r.cause()).isEqualTo(FailureCause.CANDIDATE);
    }

    @Test
    void aCrashBySignalNamesTheSignalAndStaysTheCandidates() {
        TrialResult r = WorkerFailures.died(139, null, List.of("# A fatal error has been detected"));
        assertThat(r.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(r.cause()).isEqualTo(FailureCause.CANDIDATE);
        assertThat(r.failure()).isEqualTo("worker crashed (exit code 139: signal 11); last stderr line: "
                + "# A fatal error has been detected");
        assertThat(WorkerFailures.cannotStart("Cannot run program \"java\"").cause())
                .isEqualTo(FailureCause.INFRASTRUCTURE);
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
