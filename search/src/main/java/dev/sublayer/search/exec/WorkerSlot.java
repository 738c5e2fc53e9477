package dev.sublayer.search.exec;

import dev.sublayer.evaluator.worker.WorkerProtocol;
import dev.sublayer.trial.FailureCause;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialResult;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One slot of a {@link WorkerPoolExecutor}: a thread that takes jobs from the pool's queue and feeds them, one
 * at a time, to its {@link WorkerProcess} as {@link WorkerProtocol} request lines, waits for the result line
 * until the task's time limit, and kills the process when it hangs, answers nonsense or its job is cancelled.
 * A process that ends or is killed is replaced at the next job. A job whose process was killed from outside
 * ({@code kill -9}) or could not start runs once more on a fresh process.
 */
final class WorkerSlot {

    private static final Logger LOG = LogManager.getLogger(WorkerSlot.class);

    final int index;
    final Thread thread;
    volatile WorkerJob current;
    private final WorkerProcess worker;
    private final Optional<Gpu> device;
    private final BlockingQueue<WorkerJob> queue;
    private final BooleanSupplier closed;
    /** Whether the last run's worker was killed from outside (SIGKILL, SIGTERM). */
    private boolean killedFromOutside;
    /** Whether the last run's worker could not be started. */
    private boolean cannotStart;

    /**
     * Slot {@code index} (from 1) of a pool whose jobs wait in {@code queue}, training on {@code device} (empty: the
     * CPU); its thread is not yet started.
     */
    WorkerSlot(int index, WorkerSpec spec, Optional<Gpu> device, BlockingQueue<WorkerJob> queue,
               BooleanSupplier closed) {
        this.index = index;
        this.device = device;
        // CUDA numbers the visible devices from 0: the engine's "first GPU" is this slot's device.
        this.worker = new WorkerProcess(index, device.map(d -> spec.withEnvironment("CUDA_VISIBLE_DEVICES",
                Integer.toString(d.index()))).orElse(spec));
        this.queue = queue;
        this.closed = closed;
        this.thread = new Thread(this::loop, "sublayer-worker-" + index);
        this.thread.setDaemon(true);
    }

    /** Starts the worker process now unless one is running. */
    void ensureWorker() throws IOException {
        worker.ensureWorker();
    }

    /** Kills the worker on purpose (timeout, cancel, protocol error). */
    void kill() {
        worker.kill();
    }

    /** Ends the worker politely: EOF on stdin makes it exit; force after a grace period. */
    void shutdown() {
        worker.shutdown();
    }

    private void loop() {
        while (!closed.getAsBoolean()) {
            WorkerJob job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            current = job;
            try {
                if (!job.cancelled) {
                    job.finish(onDevice(runRetryingOnce(job)));
                }
            } catch (RuntimeException e) {
                LOG.warn("worker {}: unexpected failure", index, e);
                job.finish(WorkerFailures.poolError(e));
            } finally {
                job.cancel(); // no-op when already finished
                current = null;
            }
        }
    }

    /**
     * Runs the job; a job whose worker failed for a reason outside the trial (killed from outside, could not
     * start) runs once more on a fresh worker. A worker killed from outside again fails the trial as its own.
     */
    private TrialResult runRetryingOnce(WorkerJob job) {
        TrialResult first = run(job);
        // Only the slot's own faults: a fault the worker reported (a full disk) would meet the retry just the same.
        if (!(killedFromOutside || cannotStart) || job.cancelled || closed.getAsBoolean()) {
            return first;
        }
        LOG.warn("worker {}: trial {}: {}; retrying it once on a fresh worker", index, job.task.key(),
                first.failure());
        TrialResult again = run(job);
        if (again.cause() == FailureCause.INFRASTRUCTURE && killedFromOutside) {
            return WorkerFailures.killedAgain(again);
        }
        return again;
    }

    private TrialResult run(WorkerJob job) {
        TrialTask task = job.task;
        killedFromOutside = false;
        cannotStart = false;
        try {
            worker.ensureWorker();
        } catch (IOException e) {
            cannotStart = true;
            return WorkerFailures.cannotStart(e.getMessage());
        }
        job.callback.started(worker.name() + device.map(d -> " gpu " + d.index()).orElse(""));
        String line = WorkerProtocol.requestLine(task.request(), task.resumeFrom(), task.checkpointTo(), true);
        try {
            worker.send(line);
        } catch (IOException e) {
            return died(job, "could not send the trial: " + e.getMessage());
        }
        long deadline = System.nanoTime() + (long) (task.timeoutSeconds() * 1e9);
        while (true) {
            String answer;
            try {
                answer = worker.poll(Math.max(0, deadline - System.nanoTime()));
            } catch (InterruptedException e) {
                if (closed.getAsBoolean() || job.cancelled) {
                    worker.kill();
                    worker.discardWorker();
                    return WorkerFailures.cancelled();
                }
                continue;
            }
            if (answer == null) {
                worker.kill();
                worker.discardWorker();
                return WorkerFailures.timedOut(task.timeoutSeconds());
            }
            if (answer == WorkerProcess.EOF) {
                return died(job, null);
            }
            if (!answer.startsWith("{")) {
                // The protocol keeps stdout for results; stray output is logged, not fatal.
                LOG.debug("worker {}: ignoring stdout line: {}", index, answer);
                continue;
            }
            WorkerProtocol.Answer read;
            try {
                read = WorkerProtocol.readAnswerLine(answer);
            } catch (RuntimeException e) {
                worker.kill();
                worker.discardWorker();
                return WorkerFailures.notAResult(e, answer);
            }
            switch (read) {
                case WorkerProtocol.Progress p -> job.callback.progress(p.step());
                case WorkerProtocol.Result r -> {
                    return r.result();
                }
            }
        }
    }

    /**
     * {@code result} with its provenance naming this slot's GPU (index as the machine numbers it, model, memory)
     * before what the engine saw ({@code gpu0} of its one visible device, or the CPU if it did not use the GPU).
     */
    private TrialResult onDevice(TrialResult result) {
        if (device.isEmpty()) {
            return result;
        }
        Provenance p = result.provenance();
        String device = this.device.get().describe() + (p.device().isEmpty() ? "" : "; engine: " + p.device());
        return new TrialResult(result.status(), result.metrics(), result.curve(), result.failure(),
                new Provenance(p.sublayerVersion(), p.gitCommit(), p.jdk(), p.engine(), p.backend(), device, p.os(),
                        p.host()));
    }

    /** The result of a task whose worker process ended (or broke its pipe) before answering. */
    private TrialResult died(WorkerJob job, String detail) {
        int exit = worker.awaitExit();
        boolean onPurpose = worker.killedOnPurpose();
        worker.awaitStderr();
        worker.discardWorker();
        if (onPurpose || job.cancelled) {
            return WorkerFailures.cancelled();
        }
        TrialResult r = WorkerFailures.died(exit, detail, worker.stderrTail());
        killedFromOutside = r.cause() == FailureCause.INFRASTRUCTURE;
        return r;
    }
}
