package dev.sublayer.search;

import dev.sublayer.search.moea.Fitness;
import dev.sublayer.search.moea.Hypervolume;
import dev.sublayer.search.moea.Ranking;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The finished trials of a study, indexed by key, with what the search derives from them: the front, its
 * hypervolume, and the budget spent. Loaded once from the store and kept current as trials finish, so the
 * search never re-reads the store in its loop.
 *
 * <p>Every figure is computed from the <em>set</em> of finished trials, in an order fixed by architecture and
 * key, never by completion order, so parallel workers and resumes give identical figures.
 */
public final class StudyResults {

    /** The strategy label of re-evaluation trials of the final front. */
    public static final String REEVAL = "reeval";

    private final StudyContext context;
    private final Map<String, TrialRecord> finished = new HashMap<>();
    /** Parsed architecture and objective values of completed search trials, so the front never re-parses. */
    private final Map<String, FrontEntry> measured = new HashMap<>();

    /** An empty index for the study of {@code context}. */
    public StudyResults(StudyContext context) {
        this.context = context;
    }

    /** Loads every finished trial of {@code store}. */
    public void load(StudyStorage store) {
        for (TrialRecord r : store.trials()) {
            record(r);
        }
    }

    /** Takes note of a trial's current state (finished trials are kept, others dropped). */
    public void record(TrialRecord r) {
        measured.remove(r.key());
        if (r.status().terminal()) {
            finished.put(r.key(), r);
            if (!REEVAL.equals(r.strategy()) && r.status() == TrialStatus.COMPLETED) {
                Architecture a = Notation.parse(r.architecture());
                double[] values = context.objectiveValues(a, r.result());
                if (values != null) {
                    measured.put(r.key(), new FrontEntry(a, r, Fitness.of(r.rung(), values)));
                }
            }
        } else {
            finished.remove(r.key());
        }
    }

    /** The finished trial with {@code key}, if any: such a key is never trained again. */
    public Optional<TrialRecord> finished(String key) {
        return Optional.ofNullable(finished.get(key));
    }

    /** Every finished trial, ordered by key. */
    public List<TrialRecord> all() {
        return new TreeMap<>(finished).values().stream().toList();
    }

    /** Candidates trained at the first rung by the search (not re-evaluations): what {@code max_trials} counts. */
    public long trainedCandidates() {
        return trainedCandidates(Integer.MAX_VALUE);
    }

    /**
     * Candidates trained at the first rung by generations up to {@code throughGeneration}. Budget checks between
     * generations use this, not the live count: a session that died mid-generation leaves trials of the
     * unfinished generation behind, which an uninterrupted run would not have counted yet.
     */
    public long trainedCandidates(int throughGeneration) {
        return finished.values().stream().filter(r -> r.rung() == 0 && !REEVAL.equals(r.strategy())
                && r.generation() <= throughGeneration).count();
    }

    /** Failed (not completed) trials of the search. */
    public long failedTrials() {
        return finished.values().stream().filter(r -> r.status() != TrialStatus.COMPLETED).count();
    }

    /**
     * Training FLOPs spent: for every architecture and seed, the most any of its trials reached (a promoted trial
     * continues its lower rung, so its count includes the lower rung's).
     */
    public double trainingFlops() {
        return trainingFlops(Integer.MAX_VALUE);
    }

    /** Training FLOPs spent by generations up to {@code throughGeneration} (re-evaluations, generation -1, included). */
    public double trainingFlops(int throughGeneration) {
        Map<String, Double> most = new HashMap<>();
        for (TrialRecord r : finished.values()) {
            if (r.generation() > throughGeneration) {
                continue;
            }
            double f = r.result().metrics().trainingFlops();
            if (Double.isFinite(f) && f > 0) {
                most.merge(r.architecture() + "#" + r.seed(), f, Math::max);
            }
        }
        return most.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * Completed search trials at {@code rung} asked for by generations before {@code generation}, one per
     * architecture, ordered by key: the history progressive hurdles compare against.
     */
    public List<TrialRecord> completedAt(int rung, int beforeGeneration) {
        List<TrialRecord> out = new ArrayList<>();
        for (TrialRecord r : all()) {
            if (r.rung() == rung && r.status() == TrialStatus.COMPLETED && !REEVAL.equals(r.strategy())
                    && r.generation() < beforeGeneration) {
                out.add(r);
            }
        }
        return out;
    }

    /** One member of the front. */
    public record FrontEntry(Architecture architecture, TrialRecord trial, Fitness fitness) {
    }

    /**
     * The study's front so far.
     *
     * @param rung        the rung its members were measured at (the highest any candidate reached), -1 when empty
     * @param entries     the non-dominated candidates at that rung, best first by the first objective
     * @param hypervolume the normalised hypervolume of their objective values (0 when empty)
     */
    public record Front(int rung, List<FrontEntry> entries, double hypervolume) {
        public Front {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The front: each architecture the search trained is represented by its highest completed rung; non-dominated
     * sorting with rung-stratified dominance keeps the best of the highest rung reached.
     */
    public Front front() {
        List<FrontEntry> candidates = bestPerArchitecture();
        if (candidates.isEmpty()) {
            return new Front(-1, List.of(), 0);
        }
        Ranking ranking = Ranking.of(candidates.stream().map(FrontEntry::fitness).toList());
        List<FrontEntry> front = new ArrayList<>();
        for (int i : ranking.front()) {
            front.add(candidates.get(i));
        }
        front.sort(Comparator.<FrontEntry>comparingDouble(e -> e.fitness().value(0))
                .thenComparing(e -> e.architecture().canonical()));
        int rung = front.getFirst().fitness().rung();
        List<double[]> points = front.stream().map(e -> e.fitness().values()).toList();
        double hv = Hypervolume.normalised(points, context.idealValues(), context.referenceValues());
        return new Front(rung, front, hv);
    }

    /**
     * For every architecture the search completed at some rung, its highest completed rung's trial and fitness,
     * ordered by canonical architecture text.
     */
    public List<FrontEntry> bestPerArchitecture() {
        Map<String, FrontEntry> best = new TreeMap<>();
        for (FrontEntry e : measured.values()) {
            best.merge(e.trial().architecture(), e, (x, y) -> x.trial().rung() >= y.trial().rung() ? x : y);
        }
        return new ArrayList<>(best.values());
    }

    /** The lowest validation bits per byte among completed search trials at {@code rung}; NaN if none. */
    public double bestBitsPerByte(int rung) {
        double best = Double.NaN;
        for (TrialRecord r : finished.values()) {
            if (r.rung() == rung && r.status() == TrialStatus.COMPLETED && !REEVAL.equals(r.strategy())) {
                double v = r.result().metrics().validBitsPerByte();
                if (Double.isFinite(v) && !(v >= best)) {
                    best = v;
                }
            }
        }
        return best;
    }
}
