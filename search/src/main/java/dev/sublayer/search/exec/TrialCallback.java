package dev.sublayer.search.exec;

import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.trial.TrialResult;

/**
 * What an executor reports about one submitted task: {@link #started} at most once, then any number of
 * {@link #progress} calls (about one a second while it trains), then exactly one of {@link #finished} or
 * {@link #cancelled}. Calls come from executor threads.
 */
public interface TrialCallback {

    /** A worker took the task; {@code worker} names it (e.g. {@code worker-2 pid 4711}). */
    void started(String worker);

    /** The task's trial stands at {@code step} (from the engine's listener; a worker sends it as a progress line). */
    default void progress(TrialStep step) {
    }

    /**
     * The task ended with {@code result}: whatever the engine returned, or a failure the executor observed
     * (worker crash, timeout, out of memory) with its reason.
     */
    void finished(TrialResult result);

    /** The task was dropped by {@link TrialExecutor#cancelAll()}; it has no result and may run again later. */
    void cancelled();
}
