package dev.sublayer.search;

import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.strategy.FinalReevaluation;
import dev.sublayer.search.strategy.Strategy;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A session's tally of its trials, for progress: the trials each generation (and the final re-evaluation) planned
 * and finished per rung, the counts of the generation line, and the estimate of when the study ends. It passes
 * trial starts on to the listener and turns every trial end into a {@link TrialProgress}. Only the search thread
 * calls it.
 *
 * <p><b>The ETA</b> is the work still expected, in trials, times this session's wall seconds per finished trial
 * (workers in parallel included): the trials planned in the current generation that have not ended; if the
 * strategy and the budget allow another generation and {@code max_trials} is set, the candidates still allowed
 * times this session's trials per candidate (promotions included); and the final re-evaluation (all its trials
 * when the strategy lists them, else at most {@code max_candidates} front members, each with the configured
 * seeds). It is capped by the wall time the budget has left. Unknown (NaN) before the first trial of the session
 * ends, and when neither {@code max_trials} nor {@code max_wall_hours} bounds the generations still to come.
 */
final class ProgressTally {

    private final StudyStorage store;
    private final StudyResults results;
    private final SearchListener listener;
    private final Strategy strategy;
    private final StudyConfig config;
    private final double wallBefore;
    private final long sessionStart;
    private StudyConfig.StudyBudget budget;

    private int generation;
    private final Map<Integer, int[]> rungs = new TreeMap<>();
    private int trained;
    private int failed;
    private long trainedTotal;
    private long candidatesTotal;

    /**
     * A tally for a session that began at {@code sessionStart} ({@link System#nanoTime()}) after
     * {@code wallBefore} seconds of earlier sessions.
     */
    ProgressTally(StudyContext context, StudyStorage store, StudyResults results, SearchListener listener,
                  Strategy strategy, StudyConfig.StudyBudget budget, double wallBefore, long sessionStart) {
        this.store = store;
        this.results = results;
        this.listener = listener;
        this.strategy = strategy;
        this.config = context.config();
        this.budget = budget;
        this.wallBefore = wallBefore;
        this.sessionStart = sessionStart;
    }

    /** The budget changed while the session runs. */
    void budget(StudyConfig.StudyBudget newBudget) {
        budget = newBudget;
    }

    /** Generation {@code g} starts: its counts begin at zero. */
    void startGeneration(int g) {
        generation = g;
        rungs.clear();
        trained = 0;
        failed = 0;
    }

    /** {@code count} trials of {@code g} (-1: the re-evaluation) at {@code rung} are about to be trained. */
    void planned(int g, int rung, int count) {
        if (g != generation) {
            // the re-evaluation, after the last generation
            generation = g;
            rungs.clear();
        }
        rungs.computeIfAbsent(rung, r -> new int[2])[1] += count;
    }

    /** A trial started. */
    void started(TrialRecord trial) {
        listener.trialStarted(trial);
    }

    /** A running trial reported its progress. */
    void stepped(TrialRecord trial, TrialStep step) {
        listener.trialProgress(trial, step);
    }

    /** A trial ended (any final status); the listener gets where the study stands now. */
    void finished(TrialRecord trial) {
        trained++;
        trainedTotal++;
        if (trial.status() != TrialStatus.COMPLETED) {
            failed++;
        }
        if (trial.rung() == 0 && trial.generation() >= 0 && !trial.origin().isReevaluation()) {
            candidatesTotal++;
        }
        int[] r = rungs.computeIfAbsent(trial.rung(), k -> new int[2]);
        r[0]++;
        r[1] = Math.max(r[1], r[0]);
        List<TrialProgress.RungCount> counts = new ArrayList<>();
        rungs.forEach((rung, c) -> counts.add(new TrialProgress.RungCount(rung, c[0], c[1])));
        int bestRung = -1;
        double best = Double.NaN;
        for (int rung = config.fidelity().rungs().size() - 1; rung >= 0 && bestRung < 0; rung--) {
            double b = results.bestBitsPerByte(rung);
            if (!Double.isNaN(b)) {
                bestRung = rung;
                best = b;
            }
        }
        listener.trialFinished(new TrialProgress(trial, generation, counts, results.trainedCandidates(),
                budget.maxTrials(), best, bestRung, studySeconds(), eta()), store);
    }

    /** Trials trained in the current generation. */
    int trained() {
        return trained;
    }

    /** Of those, how many did not complete. */
    int failed() {
        return failed;
    }

    /** Trials trained in this session. */
    long trainedTotal() {
        return trainedTotal;
    }

    /** Wall seconds of the study: the earlier sessions and this one so far. */
    double studySeconds() {
        return wallBefore + sessionSeconds();
    }

    private double sessionSeconds() {
        return (System.nanoTime() - sessionStart) / 1e9;
    }

    /** The estimate of the class comment, in seconds; NaN when unknown. */
    double eta() {
        if (trainedTotal == 0) {
            return Double.NaN;
        }
        double perTrial = sessionSeconds() / trainedTotal;
        double left = 0;
        int plannedFirstRung = 0;
        for (Map.Entry<Integer, int[]> e : rungs.entrySet()) {
            left += Math.max(0, e.getValue()[1] - e.getValue()[0]);
            if (e.getKey() == 0) {
                plannedFirstRung = Math.max(0, e.getValue()[1] - e.getValue()[0]);
            }
        }
        boolean unbounded = false;
        if (generation >= 0) {
            int next = generation + 1;
            boolean more = next < budget.maxGenerations() && strategy.finished(next).isEmpty();
            if (more && budget.maxTrials() != Long.MAX_VALUE) {
                long candidates = Math.max(0, budget.maxTrials() - results.trainedCandidates() - plannedFirstRung);
                double trialsPerCandidate = candidatesTotal == 0 ? 1 : Math.max(1, (double) trainedTotal
                        / candidatesTotal);
                left += candidates * trialsPerCandidate;
            } else if (more) {
                unbounded = true;
            }
            left += reevaluationTrials();
        }
        double eta = unbounded ? Double.POSITIVE_INFINITY : left * perTrial;
        if (budget.maxWallHours() != Double.POSITIVE_INFINITY) {
            eta = Math.min(eta, Math.max(0, budget.maxWallHours() * 3600 - studySeconds()));
        }
        return eta == Double.POSITIVE_INFINITY ? Double.NaN : eta;
    }

    private int reevaluationTrials() {
        FinalReevaluation r = strategy.finalReevaluation(config.reevaluation());
        return switch (r) {
            case FinalReevaluation.OfCandidates listed -> listed.candidates().size() * listed.seeds();
            case FinalReevaluation.OfFront front -> front.seeds() == 0 || front.maxCandidates() == 0 ? 0
                    : Math.min(front.maxCandidates(), Math.max(1, results.front().members().size())) * front.seeds();
        };
    }
}
