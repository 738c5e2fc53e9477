package dev.sublayer.search;

import dev.sublayer.search.config.Promotion;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.search.exec.TrialCallback;
import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.search.exec.TrialTask;
import dev.sublayer.search.moea.Fitness;
import dev.sublayer.search.moea.Ranking;
import dev.sublayer.space.Architecture;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns proposed candidates into fitness: the custom evaluation hook every strategy calls. For one batch it
 * dedups candidates by architecture, looks every trial key up (a key with a result is never trained again),
 * runs the rest on the executor rung by rung, promotes between rungs (successive halving or progressive
 * hurdles), continues promoted trials from their checkpoints, and records every trial in the store as it
 * starts and as it ends, so no finished work is ever lost.
 *
 * <p>Only the calling thread touches the store and the results index: executor callbacks post events to a
 * queue that this thread drains. Results are used in proposal order, never completion order, so the outcome
 * is a deterministic function of the candidates and the trial results.
 */
public final class TrialRunner {

    private static final Logger LOG = LogManager.getLogger(TrialRunner.class);

    private final StudyContext context;
    private final StudyStore store;
    private final StudyResults results;
    private final TrialExecutor executor;
    private final SearchListener listener;
    private final StopSignal stop;
    private final Provenance provenance;

    /** Thrown out of {@link #evaluate} and {@link #reevaluate} when the search must stop before finishing. */
    public static final class Stopped extends Exception {
        private final String reason;

        Stopped(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        /** Why the search stopped. */
        public String reason() {
            return reason;
        }
    }

    /** A runner for the study of {@code context}. */
    public TrialRunner(StudyContext context, StudyStore store, StudyResults results, TrialExecutor executor,
                       SearchListener listener, StopSignal stop) {
        this.context = context;
        this.store = store;
        this.results = results;
        this.executor = executor;
        this.listener = listener;
        this.stop = stop;
        this.provenance = Provenances.local(context.config().training().engine());
    }

    /** One planned training run. */
    private record Plan(String key, Architecture architecture, int rung, int replicate, Origin origin, int generation,
                        Optional<Path> resumeFrom, Optional<Path> checkpointTo) {
    }

    /** One architecture's climb up the rungs within a batch. */
    private static final class Chain {
        final Architecture architecture;
        final Origin origin;
        final TrialResult[] results;
        final String[] keys;

        Chain(Architecture architecture, Origin origin, int rungs) {
            this.architecture = architecture;
            this.origin = origin;
            this.results = new TrialResult[rungs];
            this.keys = new String[rungs];
        }
    }

    /**
     * The fitness of every candidate, in order: the objectives at the highest rung it completed, or the failed
     * fitness when it completed none.
     *
     * @throws Stopped if a stop was requested (or the wall budget ran out) before all were evaluated
     */
    public List<Fitness> evaluate(int generation, List<Candidate> candidates) throws Stopped {
        StudyConfig.Fidelity fidelity = context.config().fidelity();
        int rungs = fidelity.rungs().size();
        Map<String, Chain> chains = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            chains.computeIfAbsent(c.architecture().canonical(), k -> new Chain(c.architecture(), c.origin(), rungs));
        }
        List<Chain> active = new ArrayList<>(chains.values());
        for (int rung = 0; rung < rungs && !active.isEmpty(); rung++) {
            boolean last = rung == rungs - 1;
            List<Plan> plans = new ArrayList<>();
            for (Chain ch : active) {
                ch.keys[rung] = context.key(ch.architecture, rung, 0);
                Optional<TrialRecord> done = results.finished(ch.keys[rung]);
                if (done.isPresent()) {
                    ch.results[rung] = done.get().result();
                    continue;
                }
                Optional<Path> from = Optional.empty();
                if (rung > 0 && Files.exists(context.checkpoint(ch.keys[rung - 1]))) {
                    from = Optional.of(context.checkpoint(ch.keys[rung - 1]));
                }
                Optional<Path> to = last ? Optional.empty() : Optional.of(context.checkpoint(ch.keys[rung]));
                plans.add(new Plan(ch.keys[rung], ch.architecture, rung, 0, ch.origin, generation, from, to));
            }
            Map<String, TrialResult> ran = run(plans);
            for (Chain ch : active) {
                if (ch.results[rung] == null) {
                    ch.results[rung] = ran.get(ch.keys[rung]);
                }
            }
            if (last) {
                break;
            }
            List<Chain> promoted = promote(active, rung, generation);
            if (!fidelity.keepCheckpoints()) {
                Set<Chain> keep = new HashSet<>(promoted);
                for (Chain ch : active) {
                    if (!keep.contains(ch)) {
                        deleteCheckpoint(ch.keys[rung]);
                    }
                }
                if (rung > 0) {
                    for (Chain ch : promoted) {
                        deleteCheckpoint(ch.keys[rung - 1]);
                    }
                }
            }
            active = promoted;
        }
        if (!fidelity.keepCheckpoints()) {
            for (Chain ch : chains.values()) {
                for (int r = 0; r < rungs - 1; r++) {
                    if (ch.keys[r] != null && ch.keys[r + 1] != null) {
                        deleteCheckpoint(ch.keys[r]);
                    }
                }
            }
        }
        List<Fitness> out = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            out.add(fitness(chains.get(c.architecture().canonical())));
        }
        return out;
    }

    private Fitness fitness(Chain ch) {
        for (int r = ch.results.length - 1; r >= 0; r--) {
            if (ch.results[r] != null) {
                double[] v = context.objectiveValues(ch.architecture, ch.results[r]);
                if (v != null) {
                    return Fitness.of(r, v);
                }
            }
        }
        return context.failedFitness();
    }

    /** The chains that continue from {@code rung} to the next. */
    private List<Chain> promote(List<Chain> active, int rung, int generation) {
        List<Chain> completed = new ArrayList<>();
        List<Fitness> fitness = new ArrayList<>();
        for (Chain ch : active) {
            double[] v = ch.results[rung] == null ? null : context.objectiveValues(ch.architecture, ch.results[rung]);
            if (v != null) {
                completed.add(ch);
                fitness.add(Fitness.of(rung, v));
            }
        }
        if (completed.isEmpty()) {
            return List.of();
        }
        StudyConfig.Fidelity f = context.config().fidelity();
        if (f.promotion() == Promotion.HURDLE) {
            List<TrialRecord> history = results.completedAt(rung, generation);
            double[] past = history.stream()
                    .map(r -> context.objectiveValues(dev.sublayer.space.Notation.parse(r.architecture()), r.result()))
                    .filter(v -> v != null)
                    .mapToDouble(v -> v[0])
                    .sorted()
                    .toArray();
            if (past.length > 0) {
                int idx = Math.max(0, (int) Math.ceil(past.length * f.keepFraction()) - 1);
                double hurdle = past[idx];
                List<Chain> out = new ArrayList<>();
                for (int i = 0; i < completed.size(); i++) {
                    if (fitness.get(i).value(0) <= hurdle) {
                        out.add(completed.get(i));
                    }
                }
                LOG.debug("rung {} hurdle {} ({} earlier candidates): {} of {} continue", rung, hurdle, past.length,
                        out.size(), completed.size());
                return out;
            }
        }
        int keep = Math.max(1, (int) Math.ceil(completed.size() * f.keepFraction()));
        Ranking ranking = Ranking.of(fitness);
        List<Chain> out = new ArrayList<>();
        for (int i : ranking.best(keep)) {
            out.add(completed.get(i));
        }
        // Proposal order, not rank order, so the next rung's task order is stable.
        out.sort(Comparator.comparingInt(active::indexOf));
        return out;
    }

    /**
     * Re-trains each of {@code architectures} at {@code rung} with replicate seeds 1..{@code seeds}, from scratch.
     *
     * @return per architecture (by canonical text), the results of replicates 1..seeds in order (cached or new)
     * @throws Stopped if a stop was requested before all were trained
     */
    public Map<String, List<TrialResult>> reevaluate(List<Architecture> architectures, int rung, int seeds)
            throws Stopped {
        return reevaluate(architectures, rung, seeds, a -> Origin.reevaluation());
    }

    /**
     * As {@link #reevaluate(List, int, int)}, with the trials' origin chosen per architecture (the fixed strategy's
     * replicates keep their layout's origin, so the report names them).
     */
    public Map<String, List<TrialResult>> reevaluate(List<Architecture> architectures, int rung, int seeds,
            java.util.function.Function<Architecture, Origin> origin) throws Stopped {
        List<Plan> plans = new ArrayList<>();
        for (Architecture a : architectures) {
            for (int k = 1; k <= seeds; k++) {
                String key = context.key(a, rung, k);
                if (results.finished(key).isEmpty()) {
                    plans.add(new Plan(key, a, rung, k, origin.apply(a), -1, Optional.empty(), Optional.empty()));
                }
            }
        }
        run(plans);
        Map<String, List<TrialResult>> out = new LinkedHashMap<>();
        for (Architecture a : architectures) {
            List<TrialResult> list = new ArrayList<>();
            for (int k = 1; k <= seeds; k++) {
                results.finished(context.key(a, rung, k)).ifPresent(r -> list.add(r.result()));
            }
            out.put(a.canonical(), list);
        }
        return out;
    }

    // ------------------------------------------------------------------ running trials

    private sealed interface Event permits Started, Finished, Cancelled {
        String key();
    }

    private record Started(String key, String worker) implements Event {
    }

    private record Finished(String key, TrialResult result) implements Event {
    }

    private record Cancelled(String key) implements Event {
    }

    /** Runs {@code plans} on the executor; returns their results by key. */
    private Map<String, TrialResult> run(List<Plan> plans) throws Stopped {
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
            p.checkpointTo().ifPresent(this::deleteQuietly);
            p.checkpointTo().ifPresent(c -> deleteQuietly(partial(c)));
            TrialTask task = new TrialTask(p.key(), context.request(p.architecture(), p.rung(), p.replicate()),
                    p.resumeFrom(), p.checkpointTo().map(TrialRunner::partial),
                    context.config().workers().timeoutSeconds(context.budget(p.rung())));
            executor.submit(task, new TrialCallback() {
                @Override
                public void started(String worker) {
                    events.add(new Started(p.key(), worker));
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
        int open = pending.size();
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
                        TrialRecord r = TrialRecord.running(p.key(), p.architecture().canonical(), p.rung(),
                                context.seed(p.replicate()), context.budget(p.rung()), p.generation(), p.origin(),
                                s.worker(), Instant.now(), provenance);
                        running.put(p.key(), r);
                        store.putTrial(r);
                        listener.trialStarted(r);
                    }
                    case Finished f -> {
                        open--;
                        TrialRecord start = running.remove(p.key());
                        if (start == null) {
                            start = TrialRecord.running(p.key(), p.architecture().canonical(), p.rung(),
                                    context.seed(p.replicate()), context.budget(p.rung()), p.generation(), p.origin(),
                                    "", Instant.now(), provenance);
                        }
                        TrialResult result = f.result();
                        if (result.status() == TrialStatus.RUNNING || result.status() == TrialStatus.INTERRUPTED) {
                            result = new TrialResult(TrialStatus.FAILED, result.metrics(), result.curve(),
                                    "engine returned a non-final status " + result.status().configName(),
                                    result.provenance());
                        }
                        if (result.status() == TrialStatus.COMPLETED && p.checkpointTo().isPresent()) {
                            publishCheckpoint(p.checkpointTo().get());
                        }
                        TrialRecord done = start.finish(result, Instant.now());
                        store.putTrial(done);
                        results.record(done);
                        out.put(p.key(), result);
                        listener.trialFinished(done);
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
                    if (late == null) {
                        continue;
                    }
                    open--;
                    Plan p = pending.get(late.key());
                    TrialRecord start = running.remove(p.key());
                    if (late instanceof Finished f && start != null && f.result().status().terminal()
                            && !f.result().failure().equals("cancelled")) {
                        TrialRecord done = start.finish(f.result(), Instant.now());
                        if (f.result().status() == TrialStatus.COMPLETED && p.checkpointTo().isPresent()) {
                            publishCheckpoint(p.checkpointTo().get());
                        }
                        store.putTrial(done);
                        results.record(done);
                    } else if (late instanceof Started s) {
                        open++; // a start is not an end; its end follows
                        running.put(p.key(), TrialRecord.running(p.key(), p.architecture().canonical(), p.rung(),
                                context.seed(p.replicate()), context.budget(p.rung()), p.generation(), p.origin(),
                                s.worker(), Instant.now(), provenance));
                    } else if (start != null) {
                        TrialRecord r = start.interrupted("stopped: " + stop.reason());
                        store.putTrial(r);
                        results.record(r);
                    }
                }
                throw new Stopped(stop.reason());
            }
        }
        return out;
    }

    private void checkStop() throws Stopped {
        if (stop.requested()) {
            throw new Stopped(stop.reason());
        }
    }

    private static Path partial(Path checkpoint) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + ".partial");
    }

    /** Makes a checkpoint the engine wrote under its partial name visible, atomically. */
    private void publishCheckpoint(Path checkpoint) {
        Path tmp = partial(checkpoint);
        if (!Files.exists(tmp)) {
            LOG.debug("engine wrote no checkpoint at {}", tmp);
            return;
        }
        try {
            deleteQuietly(checkpoint);
            Files.move(tmp, checkpoint, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot publish checkpoint {}: {}", checkpoint, e.getMessage());
        }
    }

    private void deleteCheckpoint(String key) {
        deleteQuietly(context.checkpoint(key));
    }

    private void deleteQuietly(Path p) {
        try {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(q);
                    }
                }
            } else {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", p, e.getMessage());
        }
    }

    static String describe(double[] v) {
        return Arrays.toString(v);
    }
}
