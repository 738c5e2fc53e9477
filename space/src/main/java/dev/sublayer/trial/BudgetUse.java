package dev.sublayer.trial;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How much of its budget a study has used, counted the one way the search checks its limits
 * ({@code max_trials}, {@code max_training_flops}, {@code max_wall_hours}, {@code max_generations}) and the
 * report, {@code study info} and the stored generations show:
 * <ul>
 *   <li><b>candidates</b>: finished trials at rung 0 that are not re-evaluations, whatever their status
 *       (a candidate the constraints rejected, or one that failed, used its place in {@code max_trials});
 *       trials still running or interrupted are not counted until they finish;</li>
 *   <li><b>training FLOPs</b>: for every architecture and seed, the most any of its finished trials reached: a
 *       promoted trial continues its lower rung's checkpoint, so its count already includes the lower rung's;
 *       re-evaluations count (their seeds are new);</li>
 *   <li><b>wall seconds</b>: the sum of the sessions' durations; the pauses between sessions are not counted;</li>
 *   <li><b>generations</b>: generation checkpoints stored.</li>
 * </ul>
 *
 * @param candidates    candidates trained at rung 0
 * @param trainingFlops training FLOPs spent
 * @param wallSeconds   search wall seconds over all sessions
 * @param generations   generations completed
 */
public record BudgetUse(long candidates, double trainingFlops, double wallSeconds, int generations) {

    /** Every generation: the bound of {@code throughGeneration} that leaves nothing out. */
    public static final int ALL_GENERATIONS = Integer.MAX_VALUE;

    public BudgetUse {
        if (candidates < 0 || generations < 0 || !(trainingFlops >= 0) || !(wallSeconds >= 0)) {
            throw new IllegalArgumentException("budget use must be non-negative, got candidates " + candidates
                    + ", training FLOPs " + trainingFlops + ", wall seconds " + wallSeconds + ", generations "
                    + generations);
        }
    }

    /** The use recorded by {@code trials}, {@code sessions} and {@code generations} checkpoints. */
    public static BudgetUse of(Collection<? extends RecordedTrial> trials, List<Session> sessions, int generations) {
        return new BudgetUse(candidates(trials, ALL_GENERATIONS), trainingFlops(trials, ALL_GENERATIONS),
                wallSeconds(sessions), generations);
    }

    /**
     * Candidates trained at rung 0 by generations up to {@code throughGeneration}. The search checks its budget
     * between generations with the count through the last finished generation: a session that died mid-generation
     * leaves trials of the unfinished generation behind, which an uninterrupted run would not have counted yet.
     */
    public static long candidates(Collection<? extends RecordedTrial> trials, int throughGeneration) {
        long n = 0;
        for (RecordedTrial t : trials) {
            if (t.status().terminal() && t.rung() == 0 && !t.origin().isReevaluation()
                    && t.generation() <= throughGeneration) {
                n++;
            }
        }
        return n;
    }

    /**
     * Training FLOPs spent by finished trials of generations up to {@code throughGeneration} (re-evaluations,
     * generation -1, included): per architecture and seed the most any trial reached, summed in architecture and
     * seed order so that the figure does not depend on the order trials finished in.
     */
    public static double trainingFlops(Collection<? extends RecordedTrial> trials, int throughGeneration) {
        Map<String, Double> most = new TreeMap<>();
        for (RecordedTrial t : trials) {
            if (!t.status().terminal() || t.generation() > throughGeneration) {
                continue;
            }
            double f = t.result().metrics().trainingFlops();
            if (Double.isFinite(f) && f > 0) {
                most.merge(t.architecture() + "#" + t.seed(), f, Math::max);
            }
        }
        double sum = 0;
        for (double f : most.values()) {
            sum += f;
        }
        return sum;
    }

    /** The sum of the sessions' durations in seconds. */
    public static double wallSeconds(List<Session> sessions) {
        double total = 0;
        for (Session s : sessions) {
            total += s.seconds();
        }
        return total;
    }
}
