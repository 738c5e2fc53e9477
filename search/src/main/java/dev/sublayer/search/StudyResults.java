package dev.sublayer.search;

import dev.sublayer.search.moea.Fitness;
import dev.sublayer.search.moea.Hypervolume;
import dev.sublayer.search.moea.Ranking;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.Objective;
import dev.sublayer.trial.StudyFront;
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
 * <p>This is the one computation of a study's front ({@link #front()}); the search stores its result with every
 * generation, and everything that shows a front reads that ({@link #frontOf}).
 *
 * <p>Every figure is computed from the <em>set</em> of finished trials, in an order fixed by architecture and
 * key, never by completion order, so parallel workers and resumes give identical figures.
 */
public final class StudyResults {

    private final StudyContext context;
    private final Map<String, TrialRecord> finished = new HashMap<>();
    /** Parsed architecture and objective values of the search's completed trials, so the front never re-parses. */
    private final Map<String, Entry> measured = new HashMap<>();

    /** An empty index for the study of {@code context}. */
    public StudyResults(StudyContext context) {
        this.context = context;
    }

    /**
     * The front of the study in {@code store}: the one the search stored with its last generation, or, where that
     * generation stored none (stores written by Sublayer 0.1.0) or search trials finished after it (a session
     * stopped mid-generation), the front computed from the store's trials by {@link #front()}.
     *
     * @param context the study's context, from the config it was run with
     */
    public static StudyFront frontOf(StudyStorage store, StudyContext context) {
        Optional<GenerationRecord> last = store.lastGeneration();
        if (last.isPresent() && last.get().front().isPresent()) {
            // Only the generation after the last checkpoint can have trials: it is the one a stop interrupted.
            boolean newer = store.trialsOfGeneration(last.get().generation() + 1).stream()
                    .anyMatch(t -> t.status().terminal());
            if (!newer) {
                return last.get().front().get();
            }
        }
        StudyResults results = new StudyResults(context);
        results.load(store);
        return results.front();
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
            if (searchTrial(r) && r.status() == TrialStatus.COMPLETED) {
                Architecture a = Notation.parse(r.architecture());
                double[] values = context.objectiveValues(a, r.result());
                if (values != null) {
                    measured.put(r.key(), new Entry(r, Fitness.of(r.rung(), values)));
                }
            }
        } else {
            finished.remove(r.key());
        }
    }

    /**
     * Whether {@code r} is one of the search's own single-seed trials: asked for by a generation, not a
     * re-evaluation or a replicate seed (those run outside the generations, generation -1).
     */
    private static boolean searchTrial(TrialRecord r) {
        return r.generation() >= 0 && !r.origin().isReevaluation();
    }

    /** The finished trial with {@code key}, if any: such a key is never trained again. */
    public Optional<TrialRecord> finished(String key) {
        return Optional.ofNullable(finished.get(key));
    }

    /** Every finished trial, ordered by key. */
    public List<TrialRecord> all() {
        return new TreeMap<>(finished).values().stream().toList();
    }

    /** Candidates trained at the first rung (re-evaluations not counted): what {@code max_trials} counts. */
    public long trainedCandidates() {
        return trainedCandidates(BudgetUse.ALL_GENERATIONS);
    }

    /** Candidates trained at the first rung by generations up to {@code throughGeneration} ({@link BudgetUse}). */
    public long trainedCandidates(int throughGeneration) {
        return BudgetUse.candidates(finished.values(), throughGeneration);
    }

    /** Failed (not completed) trials of the search. */
    public long failedTrials() {
        return finished.values().stream().filter(r -> r.status() != TrialStatus.COMPLETED).count();
    }

    /** Training FLOPs spent ({@link BudgetUse#trainingFlops}). */
    public double trainingFlops() {
        return trainingFlops(BudgetUse.ALL_GENERATIONS);
    }

    /** Training FLOPs spent by generations up to {@code throughGeneration} (re-evaluations, generation -1, included). */
    public double trainingFlops(int throughGeneration) {
        return BudgetUse.trainingFlops(finished.values(), throughGeneration);
    }

    /**
     * Completed search trials at {@code rung} asked for by generations before {@code generation}, one per
     * architecture, ordered by key: the history progressive hurdles compare against.
     */
    public List<TrialRecord> completedAt(int rung, int beforeGeneration) {
        List<TrialRecord> out = new ArrayList<>();
        for (TrialRecord r : all()) {
            if (r.rung() == rung && r.status() == TrialStatus.COMPLETED && !r.origin().isReevaluation()
                    && r.generation() < beforeGeneration) {
                out.add(r);
            }
        }
        return out;
    }

    /** A measured search trial with its fitness. */
    private record Entry(TrialRecord trial, Fitness fitness) {
    }

    /**
     * The front: each architecture the search trained is represented by its highest completed rung; non-dominated
     * sorting with rung-stratified dominance keeps the best of the highest rung reached. Members are sorted by the
     * first objective, ties by canonical architecture; the hypervolume is normalised by the objectives' ideal and
     * reference values.
     */
    public StudyFront front() {
        List<Objective> objectives = context.objectives();
        List<Entry> candidates = bestPerArchitecture();
        if (candidates.isEmpty()) {
            return StudyFront.empty(objectives.stream().map(Objective::kind).toList());
        }
        Ranking ranking = Ranking.of(candidates.stream().map(Entry::fitness).toList());
        List<Entry> front = new ArrayList<>();
        for (int i : ranking.front()) {
            front.add(candidates.get(i));
        }
        front.sort(Comparator.<Entry>comparingDouble(e -> e.fitness().value(0))
                .thenComparing(e -> e.trial().architecture()));
        int rung = front.getFirst().fitness().rung();
        List<double[]> points = front.stream().map(e -> e.fitness().values()).toList();
        double hv = Hypervolume.normalised(points, context.idealValues(), context.referenceValues());
        List<StudyFront.Member> members = front.stream().map(e -> new StudyFront.Member(e.trial().key(),
                e.trial().architecture(), e.trial().rung(), e.trial().generation(), e.trial().origin(),
                e.fitness().values())).toList();
        return new StudyFront(objectives.stream().map(Objective::kind).toList(), rung, hv, members);
    }

    /**
     * For every architecture the search completed at some rung, its highest completed rung's trial and fitness,
     * ordered by canonical architecture text.
     */
    private List<Entry> bestPerArchitecture() {
        Map<String, Entry> best = new TreeMap<>();
        for (Entry e : measured.values()) {
            // Ties (one architecture twice at one rung) go to the smaller key, never to hash order.
            best.merge(e.trial().architecture(), e, (x, y) -> x.trial().rung() != y.trial().rung()
                    ? (x.trial().rung() > y.trial().rung() ? x : y)
                    : (x.trial().key().compareTo(y.trial().key()) <= 0 ? x : y));
        }
        return new ArrayList<>(best.values());
    }

    /** The lowest validation bits per byte among completed search trials at {@code rung}; NaN if none. */
    public double bestBitsPerByte(int rung) {
        double best = Double.NaN;
        for (TrialRecord r : finished.values()) {
            if (r.rung() == rung && r.status() == TrialStatus.COMPLETED && !r.origin().isReevaluation()) {
                double v = r.result().metrics().validBitsPerByte();
                if (Double.isFinite(v) && !(v >= best)) {
                    best = v;
                }
            }
        }
        return best;
    }
}
