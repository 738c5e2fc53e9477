package dev.sublayer.search.exec;

import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.util.List;
import java.util.Locale;

/**
 * The result a task ends with when its worker process fails it, with the reason in words: a crash (the exit
 * code and the last stderr line), running out of memory (an {@code OutOfMemoryError} on stderr, or exit code
 * 137: a SIGKILL, most likely from the kernel's out-of-memory killer), a timeout, an answer that is not a
 * result, a worker that cannot start, a cancel.
 */
final class WorkerFailures {

    private WorkerFailures() {
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
        String why = "exit code " + exit + (detail != null ? ", " + detail : "");
        if (tail.contains("OutOfMemoryError")) {
            return failure(TrialStatus.OUT_OF_MEMORY, "worker ran out of memory (exit code " + exit + "): "
                    + abbreviate(tail.strip()));
        }
        if (exit == 137) {
            return failure(TrialStatus.OUT_OF_MEMORY, "worker was killed by SIGKILL (exit code 137), most likely "
                    + "by the kernel's out-of-memory killer");
        }
        return failure(TrialStatus.FAILED, "worker crashed (" + why + ")" + (tail.isEmpty() ? ""
                : "; last stderr line: " + abbreviate(tail.strip())));
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
