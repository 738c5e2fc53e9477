package dev.sublayer.search;

import dev.sublayer.trial.Origin;
import dev.sublayer.search.TrialDispatch.Plan;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.search.moea.Fitness;
import dev.sublayer.space.Architecture;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
 *
 * <p>The runner plans the rungs; {@link RungPromotion} chooses who continues, {@link TrialDispatch} runs and
 * records the trials, and {@link CheckpointFiles} owns the checkpoints between rungs.
 */
public final class TrialRunner {

    private final StudyContext context;
    private final StudyResults results;
    private final CheckpointFiles checkpoints;
    private final RungPromotion promotion;
    private final TrialDispatch dispatch;

    /** Thrown out of {@link #evaluate} and {@link #reevaluate} when the search must stop before finishing. */
    public static final class Stopped extends Exception {
        private final String reason;
        private final boolean fault;

        Stopped(String reason) {
            this(reason, false);
        }

        Stopped(String reason, boolean fault) {
            super(reason, null, false, false);
            this.reason = reason;
            this.fault = fault;
        }

        /** Why the search stopped. */
        public String reason() {
            return reason;
        }

        /**
         * Whether a fault outside the candidates stopped it (no space left on device, workers that cannot start),
         * rather than a request (Ctrl-C, a signal, the wall-time budget).
         */
        public boolean fault() {
            return fault;
        }
    }

    /**
     * A runner for the study of {@code context}, telling {@code progress} of every trial. It first removes the
     * partial checkpoints that a session which ended mid-trial (killed, out of disk space) left: no trial runs yet,
     * and a partial one is never continued from.
     */
    TrialRunner(StudyContext context, StudyStorage store, StudyResults results, TrialExecutor executor,
                ProgressTally progress, StopSignal stop) {
        this.context = context;
        this.results = results;
        this.checkpoints = new CheckpointFiles(context);
        checkpoints.removeLeftovers();
        this.promotion = new RungPromotion(context, results);
        this.dispatch = new TrialDispatch(context, store, results, executor, progress, stop, checkpoints);
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
        Map<String, RungChain> chains = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            chains.computeIfAbsent(c.architecture().canonical(), k -> new RungChain(c.architecture(), c.origin(),
                    rungs));
        }
        List<RungChain> active = new ArrayList<>(chains.values());
        for (int rung = 0; rung < rungs && !active.isEmpty(); rung++) {
            boolean last = rung == rungs - 1;
            List<Plan> plans = new ArrayList<>();
            for (RungChain ch : active) {
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
            Map<String, TrialResult> ran = dispatch.run(plans);
            for (RungChain ch : active) {
                if (ch.results[rung] == null) {
                    ch.results[rung] = ran.get(ch.keys[rung]);
                }
            }
            if (last) {
                break;
            }
            List<RungChain> promoted = promotion.promote(active, rung, generation);
            if (!fidelity.keepCheckpoints()) {
                Set<RungChain> keep = new HashSet<>(promoted);
                for (RungChain ch : active) {
                    if (!keep.contains(ch)) {
                        checkpoints.delete(ch.keys[rung]);
                    }
                }
                if (rung > 0) {
                    for (RungChain ch : promoted) {
                        checkpoints.delete(ch.keys[rung - 1]);
                    }
                }
            }
            active = promoted;
        }
        if (!fidelity.keepCheckpoints()) {
            for (RungChain ch : chains.values()) {
                for (int r = 0; r < rungs - 1; r++) {
                    if (ch.keys[r] != null && ch.keys[r + 1] != null) {
                        checkpoints.delete(ch.keys[r]);
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

    private Fitness fitness(RungChain ch) {
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
        dispatch.run(plans);
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
}
