package dev.sublayer.search;

import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.trial.Origin;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.search.exec.TrialCallback;
import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.search.exec.TrialTask;
import dev.sublayer.space.Architecture;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.FailureCause;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs planned trials on the executor and records each in the store as it starts and as it ends, publishing
 * the checkpoint of each trial that completed. When a stop is requested it cancels what is still running,
 * records those trials as interrupted (keeping any result that won the race), and throws
 * {@link TrialRunner.Stopped}. A trial that a fault outside its candidate cut off
 * ({@link FailureCause#INFRASTRUCTURE}: no space left on device) is recorded as interrupted, never as the candidate's
 * failure, and stops the session as a fault.
 *
 * <p>Only the calling thread touches the store, the results index and the progress tally (which tells the
 * listener): executor callbacks post events to a queue that this thread drains.
 */
final class TrialDispatch {

    private static final Logger LOG = LogManager.getLogger(TrialDispatch.class);

    private final StudyContext context;
    private final StudyStorage store;
    private final StudyResults results;
    private final TrialExecutor executor;
    private final ProgressTally progress;
    private final StopSignal stop;
    private final CheckpointFiles checkpoints;
    private final Provenance provenance;

    /** One planned training run. */
    record Plan(String key, Architecture architecture, int rung, int replicate, Origin origin, int generation,
                Optional<Path> resumeFrom, Optional<Path> checkpointTo) {
    }

    private sealed interface Event permits Started, Stepped, Finished, Cancelled {
        String key();
    }

    private record Started(String key, String worker) implements Event {
    }

    private record Stepped(String key, TrialStep step) implements Event {
    }

    private record Finished(String key, TrialResult result) implements Event {
    }

    private record Cancelled(String key) implements Event {
    }

    TrialDispatch(StudyContext context, StudyStorage store, StudyResults results, TrialExecutor executor,
                  ProgressTally progress, StopSignal stop, CheckpointFiles checkpoints) {
        this.context = context;
        this.store = store;
        this.results = results;
        this.executor = executor;
        this.progress = progress;
        this.stop = stop;
        this.checkpoints = checkpoints;
        this.provenance = Provenances.local(context.config().training().engine());
    }

    /** Runs {@code plans} on the executor; returns their results by key. */
    Map<String, TrialResult> run(List<Plan> plans) throws TrialRunner.Stopped {
        Map<String, TrialResult> out = new HashMap<>();
        if (plans.isEmpty()) {
            return out;
        }
        checkStop();
        LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Map<String, Plan> pending = new LinkedHashMap<>();
        Map<String, TrialRecord> running = new HashMap<>();
        for (Plan p : plans) {
            if (pending.containsKey(p.key())) {
                continue;
            }
            pending.put(p.key(), p);
            p.checkpointTo().ifPresent(CheckpointFiles::deleteQuietly);
            p.checkpointTo().ifPresent(c -> CheckpointFiles.deleteQuietly(CheckpointFiles.partial(c)));
            TrialTask task = new TrialTask(p.key(), context.request(p.architecture(), p.rung(), p.replicate()),
                    p.resumeFrom(), p.checkpointTo().map(CheckpointFiles::partial),
                    context.config().workers().timeoutSeconds(context.budget(p.rung())));
            executor.submit(task, new TrialCallback() {
                @Override
                public void started(String worker) {
                    events.add(new Started(p.key(), worker));
                }

                @Override
                public void progress(TrialStep step) {
                    events.add(new Stepped(p.key(), step));
                }

                @Override
                public void finished(TrialResult result) {
                    events.add(new Finished(p.key(), result));
                }

                @Override
                public void cancelled() {
                    events.add(new Cancelled(p.key()));
                }
            });
        }
        Map<Integer, Integer> perRung = new java.util.TreeMap<>();
        pending.values().forEach(p -> perRung.merge(p.rung(), 1, Integer::sum));
        int generation = plans.getFirst().generation();
        perRung.forEach((rung, n) -> progress.planned(generation, rung, n));
        int open = pending.size();
        String fault = null;
        while (open > 0) {
            Event e;
            try {
                e = events.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                stop.request("interrupted");
                e = null;
            }
            if (e != null) {
                Plan p = pending.get(e.key());
                switch (e) {
                    case Started s -> {
                        TrialRecord r = runningRecord(p, s.worker());
                        running.put(p.key(), r);
                        store.putTrial(r);
                        progress.started(r);
                    }
                    case Stepped s -> {
                        TrialRecord r = running.get(p.key());
                        if (r != null) {
                            progress.stepped(r, s.step());
                        }
                    }
                    case Finished f -> {
                        open--;
                        TrialRecord start = running.remove(p.key());
                        if (start == null) {
                            start = runningRecord(p, "");
                        }
                        TrialResult result = f.result();
                        if (result.cause() == FailureCause.INFRASTRUCTURE) {
                            String why = fault(p, start, result);
                            fault = fault == null ? why : fault;
                            break;
                        }
                        if (result.status() == TrialStatus.RUNNING || result.status() == TrialStatus.INTERRUPTED) {
                            result = new TrialResult(TrialStatus.FAILED, result.metrics(), result.curve(),
                                    "engine returned a non-final status " + result.status().configName(),
                                    result.provenance());
                        }
                        if (result.status() == TrialStatus.COMPLETED && p.checkpointTo().isPresent()) {
                            checkpoints.publish(p.checkpointTo().get());
                        }
                        TrialRecord done = start.finish(result, Instant.now());
                        store.putTrial(done);
                        results.record(done);
                        out.put(p.key(), result);
                        progress.finished(done);
                        if (result.status() != TrialStatus.COMPLETED) {
                            LOG.info("trial {} ({}) {}: {}", p.key(), p.architecture().notation(),
                                    result.status().configName(), result.failure());
                        }
                    }
                    case Cancelled c -> {
                        open--;
                        TrialRecord start = running.remove(p.key());
                        if (start != null) {
                            TrialRecord r = start.interrupted("stopped: " + (stop.reason() == null ? "cancelled"
                                    : stop.reason()));
                            store.putTrial(r);
                            results.record(r);
                        }
                    }
                }
            }
            if (stop.requested() && open > 0) {
                executor.cancelAll();
                // Drain what the cancel produced (and any result that won the race) before giving up.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (open > 0 && System.nanoTime() < deadline) {
                    Event late;
                    try {
                        late = events.poll(100, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException ie) {
                        break;
                    }
                    if (late == null || late instanceof Stepped) {
                        continue;
                    }
                    open--;
                    Plan p = pending.get(late.key());
                    TrialRecord start = running.remove(p.key());
                    if (late instanceof Finished f && start != null && f.result().cause() == FailureCause.INFRASTRUCTURE) {
                        fault(p, start, f.result());
                    } else if (late instanceof Finished f && start != null && f.result().status().terminal()
                            && !f.result().failure().equals("cancelled")) {
                        TrialRecord done = start.finish(f.result(), Instant.now());
                        if (f.result().status() == TrialStatus.COMPLETED && p.checkpointTo().isPresent()) {
                            checkpoints.publish(p.checkpointTo().get());
                        }
                        store.putTrial(done);
                        results.record(done);
                    } else if (late instanceof Started s) {
                        open++; // a start is not an end; its end follows
                        running.put(p.key(), runningRecord(p, s.worker()));
                    } else if (start != null) {
                        TrialRecord r = start.interrupted("stopped: " + stop.reason());
                        store.putTrial(r);
                        results.record(r);
                    }
                }
                throw stopped(fault);
            }
        }
        if (fault != null) {
            throw stopped(fault); // the faulted trial was the last one open
        }
        return out;
    }

    private TrialRunner.Stopped stopped(String fault) {
        return new TrialRunner.Stopped(stop.reason(), fault != null && fault.equals(stop.reason()));
    }

    /**
     * Records the trial of {@code p} that a fault outside its candidate cut off ({@code result}: no space left on
     * device, a worker that cannot start) as interrupted, to be trained again when the study resumes, and stops the
     * session: the machine cannot train now, and going on without the trial would change what the study finds.
     *
     * @return the stop reason: the fault and the trial
     */
    private String fault(Plan p, TrialRecord start, TrialResult result) {
        TrialRecord r = start.interruptedBy(result);
        store.putTrial(r);
        results.record(r);
        String why = result.failure() + " (trial " + p.key() + ", " + p.architecture().notation() + ")";
        LOG.warn("stopping: {}; the trial is kept and trained again when the study resumes", why);
        stop.request(why);
        return why;
    }

    /** The record of {@code p} running on {@code worker}, started now. */
    private TrialRecord runningRecord(Plan p, String worker) {
        return TrialRecord.running(p.key(), p.architecture().canonical(), p.rung(), context.seed(p.replicate()),
                context.budget(p.rung()), p.generation(), p.origin(), worker, Instant.now(), provenance);
    }

    private void checkStop() throws TrialRunner.Stopped {
        if (stop.requested()) {
            throw new TrialRunner.Stopped(stop.reason());
        }
    }
}
