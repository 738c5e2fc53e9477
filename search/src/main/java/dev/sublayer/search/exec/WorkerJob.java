package dev.sublayer.search.exec;

import dev.sublayer.trial.TrialResult;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task submitted to the pool with its callback, which hears exactly one end: the result, or the cancel when
 * the job was cancelled first (a result that arrives after a cancel is reported as the cancel).
 */
final class WorkerJob {
    final TrialTask task;
    final TrialCallback callback;
    final AtomicBoolean done = new AtomicBoolean();
    volatile boolean cancelled;

    WorkerJob(TrialTask task, TrialCallback callback) {
        this.task = task;
        this.callback = callback;
    }

    void finish(TrialResult result) {
        if (done.compareAndSet(false, true)) {
            if (cancelled) {
                callback.cancelled();
            } else {
                callback.finished(result);
            }
        }
    }

    void cancel() {
        cancelled = true;
        if (done.compareAndSet(false, true)) {
            callback.cancelled();
        }
    }
}
