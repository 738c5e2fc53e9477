package dev.sublayer.search.exec;

import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.WorkerUtilisation;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * An executor that measures how busy another one keeps its slots: every task's time from {@code started} to its
 * end counts as busy; a span of {@code t} seconds makes {@code slots x t} slot-seconds available. Everything else
 * is passed on unchanged.
 */
public final class UtilisationMeter implements TrialExecutor {

    private final TrialExecutor delegate;
    private final LongSupplier nanoClock;
    private final AtomicLong busyNanos = new AtomicLong();

    /** A meter over {@code delegate}, timed by {@link System#nanoTime()}. */
    public UtilisationMeter(TrialExecutor delegate) {
        this(delegate, System::nanoTime);
    }

    /** A meter over {@code delegate}, timed by {@code nanoClock} (tests). */
    UtilisationMeter(TrialExecutor delegate, LongSupplier nanoClock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** A measured span, from {@link #start()} to {@link Span#end()}. */
    public final class Span {
        private final long startNanos = nanoClock.getAsLong();
        private final long busyAtStart = busyNanos.get();

        private Span() {
        }

        /**
         * The utilisation from this span's start to now: busy time of the tasks that ended since (a task still
         * running is not counted until it ends) against the slots' time.
         */
        public WorkerUtilisation end() {
            double elapsed = Math.max(0, nanoClock.getAsLong() - startNanos) / 1e9;
            double busy = Math.max(0, busyNanos.get() - busyAtStart) / 1e9;
            return new WorkerUtilisation(busy, elapsed * delegate.slots(), delegate.slots());
        }
    }

    /** Starts measuring a span (e.g. a generation). */
    public Span start() {
        return new Span();
    }

    @Override
    public int slots() {
        return delegate.slots();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void submit(TrialTask task, TrialCallback callback) {
        delegate.submit(task, new TrialCallback() {
            private volatile long started = -1;

            @Override
            public void started(String worker) {
                started = nanoClock.getAsLong();
                callback.started(worker);
            }

            @Override
            public void progress(TrialStep step) {
                callback.progress(step);
            }

            @Override
            public void finished(TrialResult result) {
                count();
                callback.finished(result);
            }

            @Override
            public void cancelled() {
                count();
                callback.cancelled();
            }

            private void count() {
                if (started >= 0) {
                    busyNanos.addAndGet(Math.max(0, nanoClock.getAsLong() - started));
                    started = -1;
                }
            }
        });
    }

    @Override
    public void cancelAll() {
        delegate.cancelAll();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
