package dev.sublayer.search.exec;

import dev.sublayer.evaluator.worker.WorkerProtocol;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs trials in long-lived worker JVMs, one task at a time per worker, speaking {@link WorkerProtocol} over
 * the worker's stdin and stdout. A worker that crashes, runs out of memory or exceeds a task's time limit is
 * killed if need be, its task ends {@code FAILED} (or {@code OUT_OF_MEMORY}) with the reason, and a fresh
 * worker takes the next task; the pool itself never fails. A worker killed from outside ({@code kill -9}: signal
 * and no out-of-memory report of its own) or one that cannot start is no fault of the task's: the task runs once
 * more on a fresh worker, and ends {@code FAILED} only when its worker is killed again (a worker that cannot start
 * twice ends it as an {@link dev.sublayer.trial.FailureCause#INFRASTRUCTURE} failure).
 *
 * <p>Workers start lazily (or all at once with {@link #prestart()}), in a session of their own where
 * {@code setsid} exists, so a Ctrl-C in the terminal reaches only the search, which then stops them on purpose.
 * Their stderr goes to {@code worker-N.log} in the log directory, when one is given.
 */
public final class WorkerPoolExecutor implements TrialExecutor {

    private static final Logger LOG = LogManager.getLogger(WorkerPoolExecutor.class);

    private final WorkerSpec spec;
    private final List<Optional<Gpu>> devices;
    private final List<WorkerSlot> slots = new ArrayList<>();
    private final LinkedBlockingQueue<WorkerJob> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /**
     * The spec of a worker JVM running {@code mainClass} on this JVM's classpath, with the flags ND4J needs,
     * the given heap (and a native-memory limit of at most four heaps), and {@code threads} cores ({@code OMP_NUM_THREADS}, {@code -XX:ActiveProcessorCount});
     * {@code MKL_DYNAMIC=FALSE} keeps the djl engine deterministic; {@code OMP_WAIT_POLICY=PASSIVE} (unless set in
     * this JVM's environment) keeps idle OpenMP threads from spinning.
     */
    public static WorkerSpec javaWorker(String mainClass, List<String> args, String heap, int threads,
                                        Optional<Path> logDirectory) {
        return javaWorker(mainClass, args, heap, threads, 1, logDirectory);
    }

    /**
     * As {@link #javaWorker(String, List, String, int, Optional)}, for one of {@code workers} workers that run at
     * once: each may hold its share of the machine's memory
     * ({@link dev.sublayer.evaluator.ProcessMemory#physicalCap}, set as JavaCPP's physical-memory limit).
     */
    public static WorkerSpec javaWorker(String mainClass, List<String> args, String heap, int threads, int workers,
                                        Optional<Path> logDirectory) {
        return WorkerCommand.javaWorker(mainClass, args, heap, threads, workers, logDirectory);
    }

    /** A pool of {@code count} workers started from {@code spec}. */
    public WorkerPoolExecutor(int count, WorkerSpec spec) {
        this(cpuSlots(count), spec);
    }

    /**
     * A pool of one worker per entry of {@code devices}, started from {@code spec}; a worker with a device sees
     * only that GPU ({@code CUDA_VISIBLE_DEVICES}), and its trials' provenance names the device.
     */
    public WorkerPoolExecutor(List<Optional<Gpu>> devices, WorkerSpec spec) {
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("worker count must be >= 1, got 0");
        }
        this.spec = Objects.requireNonNull(spec, "spec");
        this.devices = List.copyOf(devices);
        for (int i = 0; i < devices.size(); i++) {
            WorkerSlot s = new WorkerSlot(i + 1, spec, devices.get(i), queue, () -> closed);
            slots.add(s);
            s.thread.start();
        }
    }

    private static List<Optional<Gpu>> cpuSlots(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("worker count must be >= 1, got " + count);
        }
        return java.util.Collections.nCopies(count, Optional.empty());
    }

    @Override
    public int slots() {
        return slots.size();
    }

    @Override
    public String describe() {
        String gpus = GpuSlots.describe(devices);
        return slots.size() + " worker process" + (slots.size() == 1 ? "" : "es") + " x " + spec.threads()
                + " thread" + (spec.threads() == 1 ? "" : "s") + (gpus.isEmpty() ? "" : " " + gpus);
    }

    /** Starts every worker now instead of at its first task; failures to start surface at the first task. */
    public void prestart() {
        for (WorkerSlot s : slots) {
            try {
                s.ensureWorker();
            } catch (IOException e) {
                LOG.warn("cannot start worker {}: {}", s.index, e.getMessage());
            }
        }
    }

    @Override
    public void submit(TrialTask task, TrialCallback callback) {
        WorkerJob job = new WorkerJob(task, callback);
        if (closed) {
            job.cancel();
            return;
        }
        queue.add(job);
    }

    /**
     * Drops the one task submitted with {@code callback}: dequeued if it waits, its worker killed if it runs; its
     * callback hears {@link TrialCallback#cancelled()} (unless it had ended already). Other tasks are untouched.
     */
    public void cancel(TrialCallback callback) {
        for (WorkerJob j : List.copyOf(queue)) {
            if (j.callback == callback && queue.remove(j)) {
                j.cancel();
                return;
            }
        }
        for (WorkerSlot s : slots) {
            WorkerJob j = s.current;
            if (j != null && j.callback == callback) {
                j.cancelled = true;
                s.kill();
                return;
            }
        }
    }

    @Override
    public void cancelAll() {
        List<WorkerJob> queued = new ArrayList<>();
        queue.drainTo(queued);
        queued.forEach(WorkerJob::cancel);
        for (WorkerSlot s : slots) {
            WorkerJob j = s.current;
            if (j != null) {
                j.cancelled = true;
                s.kill();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (WorkerSlot s : slots) {
            while (s.current != null && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            WorkerJob j = s.current;
            if (j != null) {
                j.cancel();
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelAll();
        for (WorkerSlot s : slots) {
            s.thread.interrupt();
            s.shutdown();
        }
        for (WorkerSlot s : slots) {
            try {
                s.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
