package dev.sublayer.search.exec;

import dev.sublayer.trial.FailureCause;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.util.List;
import java.util.Locale;

/**
 * The result a task ends with when its worker process fails it, with the reason in words: a crash (the exit
 * code, the signal, and the last stderr line), running out of memory (the worker's own report: an
 * {@code OutOfMemoryError} on stderr), a kill from outside (SIGKILL or SIGTERM with no such report: {@code kill -9},
 * or the kernel's out-of-memory killer), a timeout, an answer that is not a result, a worker that cannot start, a
 * cancel.
 *
 * <p>A kill from outside, a worker that cannot start and a broken pool are {@link FailureCause#INFRASTRUCTURE}
 * faults: they say nothing about the trial's candidate (the pool retries such a trial once on a fresh worker).
 */
final class WorkerFailures {

    /** SIGKILL: {@code kill -9}, or the kernel's out-of-memory killer. */
    static final int SIGKILL = 9;
    /** SIGTERM: {@code kill}, a shutdown. */
    static final int SIGTERM = 15;

    private WorkerFailures() {
    }

    /**
     * The signal that ended a process with exit code {@code exit}, or 0: Java reports a process killed by signal
     * {@code n} as exit code {@code 128 + n}.
     */
    static int signal(int exit) {
        return exit > 128 && exit < 128 + 65 ? exit - 128 : 0;
    }

    /** Whether a process that ended with {@code exit} was killed from outside (SIGKILL or SIGTERM). */
    static boolean killedFromOutside(int exit) {
        int signal = signal(exit);
        return signal == SIGKILL || signal == SIGTERM;
    }

    /**
     * The failure of a task whose worker process ended before answering, from its exit code ({@code -1} when
     * unknown), a detail of what broke (or {@code null}), and the last lines it wrote to stderr, oldest first.
     */
    static TrialResult died(int exit, String detail, List<String> stderrTail) {
        String tail = stderrTail.isEmpty() ? "" : stderrTail.get(stderrTail.size() - 1);
        for (String s : stderrTail) {
            if (s.contains("OutOfMemoryError")) {
                tail = s;
            }
        }
        if (tail.contains("OutOfMemoryError")) {
            // The worker's own report, whatever ended it after.
            return failure(TrialStatus.OUT_OF_MEMORY, "worker ran out of memory (exit code " + exit + "): "
                    + abbreviate(tail.strip()));
        }
        int signal = signal(exit);
        if (killedFromOutside(exit)) {
            return TrialResult.infrastructureFailure("worker killed (signal " + signal + ")",
                    Provenances.local("worker"));
        }
        String why = "exit code " + exit + (signal > 0 ? ": signal " + signal : "") + (detail != null ? ", " + detail
                : "");
        return failure(TrialStatus.FAILED, "worker crashed (" + why + ")" + (tail.isEmpty() ? ""
                : "; last stderr line: " + abbreviate(tail.strip())));
    }

    /**
     * The failure of a task whose worker was killed from outside again when the task was retried
     * ({@code retried}, the retry's failure): recorded as the trial's own, so that a candidate that gets its worker
     * killed every time (by the kernel's out-of-memory killer) cannot stall the study.
     */
    static TrialResult killedAgain(TrialResult retried) {
        return failure(TrialStatus.FAILED, retried.failure() + ", also when retried on a fresh worker (killed by "
                + "another process, or by the kernel's out-of-memory killer)");
    }

    /** The failure of a task whose worker process could not be started: {@code why}. */
    static TrialResult cannotStart(String why) {
        return TrialResult.infrastructureFailure("cannot start a worker process: " + why, Provenances.local("worker"));
    }

    /** The failure of a task that the pool lost to an error of its own, {@code e}. */
    static TrialResult poolError(RuntimeException e) {
        return TrialResult.infrastructureFailure("worker pool error: " + e, Provenances.local("worker"));
    }

    /** The failure of a task that got no result within its time limit of {@code timeoutSeconds}. */
    static TrialResult timedOut(double timeoutSeconds) {
        return failure(TrialStatus.FAILED, String.format(Locale.ROOT,
                "worker timed out: no result after %.0f s (the trial's time cap plus margin); killed",
                timeoutSeconds));
    }

    /** The failure of a task whose worker answered {@code answer}, which could not be read as a result. */
    static TrialResult notAResult(RuntimeException e, String answer) {
        return failure(TrialStatus.FAILED, "worker answered something that is not a result ("
                + e.getMessage() + "): " + abbreviate(answer));
    }

    /** The end of a task that was cancelled, or whose worker was killed on purpose. */
    static TrialResult cancelled() {
        return failure(TrialStatus.FAILED, "cancelled");
    }

    static TrialResult failure(TrialStatus status, String why) {
        return new TrialResult(status, TrialMetrics.none(), List.of(), why, Provenances.local("worker"));
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
