package dev.sublayer.search.exec;

import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.evaluator.worker.WorkerProtocol;
import dev.sublayer.io.IoFailures;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs trials on threads of this process, one engine per thread. For tests and debugging: a native crash
 * or an out-of-memory here takes the search down with it, and a hung trial cannot be stopped (its time
 * cap is not enforced). Real studies use {@link WorkerPoolExecutor}.
 */
public final class InProcessExecutor implements TrialExecutor {

    private static final Logger LOG = LogManager.getLogger(InProcessExecutor.class);

    private final int slots;
    private final Supplier<? extends Engine> engines;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Job> running = new ArrayList<>();
    private volatile boolean closed;

    private static final class Job {
        final TrialTask task;
        final TrialCallback callback;
        boolean done;

        Job(TrialTask task, TrialCallback callback) {
            this.task = task;
            this.callback = callback;
        }
    }

    /**
     * An executor of {@code slots} threads; each creates its engine from {@code engines} on first use and closes
     * it at {@link #close()}.
     */
    public InProcessExecutor(int slots, Supplier<? extends Engine> engines) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        this.slots = slots;
        this.engines = Objects.requireNonNull(engines, "engines");
        for (int i = 0; i < slots; i++) {
            String name = "in-process-" + (i + 1);
            Thread t = new Thread(() -> loop(name), "sublayer-" + name);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public String describe() {
        return slots + " in-process worker thread" + (slots == 1 ? "" : "s");
    }

    @Override
    public void submit(TrialTask task, TrialCallback callback) {
        if (closed) {
            callback.cancelled();
            return;
        }
        queue.add(new Job(task, callback));
    }

    private void loop(String name) {
        Engine engine = null;
        try {
            while (!closed) {
                Job job;
                try {
                    job = queue.take();
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                    continue;
                }
                synchronized (running) {
                    if (job.done) {
                        continue;
                    }
                    running.add(job);
                }
                job.callback.started(name);
                TrialResult result;
                try {
                    if (engine == null) {
                        engine = engines.get();
                    }
                    result = engine.train(job.task.request(), progress(job.callback), job.task.resumeFrom(),
                            job.task.checkpointTo());
                } catch (OutOfMemoryError e) {
                    result = failure(engine, TrialStatus.OUT_OF_MEMORY, "out of memory: " + e.getMessage());
                } catch (RuntimeException | Error e) {
                    LOG.debug("trial {} threw", job.task.key(), e);
                    result = IoFailures.byEnvironment(e)
                            ? TrialResult.infrastructureFailure(IoFailures.describe(e, null),
                                    Provenances.local(engine == null ? "unknown" : engine.name()))
                            : failure(engine, TrialStatus.FAILED, "engine threw " + e);
                }
                Thread.interrupted(); // a cancel may have interrupted this thread; the next job starts clean
                boolean report;
                synchronized (running) {
                    running.remove(job);
                    report = !job.done;
                    job.done = true;
                    running.notifyAll();
                }
                if (report) {
                    job.callback.finished(result);
                }
            }
        } finally {
            if (engine != null) {
                try {
                    engine.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing engine failed", e);
                }
            }
        }
    }

    private static TrialResult failure(Engine engine, TrialStatus status, String why) {
        return new TrialResult(status, TrialMetrics.none(), List.of(), why,
                Provenances.local(engine == null ? "unknown" : engine.name()));
    }

    @Override
    public void cancelAll() {
        List<Job> dropped = new ArrayList<>();
        queue.drainTo(dropped);
        List<Job> cancelled = new ArrayList<>();
        synchronized (running) {
            for (Job j : dropped) {
                if (!j.done) {
                    j.done = true;
                    cancelled.add(j);
                }
            }
            for (Job j : running) {
                if (!j.done) {
                    j.done = true;
                    cancelled.add(j);
                }
            }
        }
        // Interrupting lets engines that honour interrupts (sleeps, waits) stop early; a result that still
        // comes is ignored because the job is done.
        threads.forEach(Thread::interrupt);
        cancelled.forEach(j -> j.callback.cancelled());
    }

    @Override
    public void close() {
        cancelAll();
        closed = true;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Passes the engine's steps on to {@code callback}: the first, then at most one per second, as a worker does. */
    private static TrialListener progress(TrialCallback callback) {
        long interval = WorkerProtocol.PROGRESS_INTERVAL_MILLIS * 1_000_000L;
        long[] last = {System.nanoTime() - interval};
        return (step, maxSteps, tokens, loss) -> {
            long now = System.nanoTime();
            if (now - last[0] >= interval) {
                last[0] = now;
                callback.progress(new TrialStep(step, maxSteps, tokens, Double.isFinite(loss) ? loss : Double.NaN));
            }
        };
    }
}
