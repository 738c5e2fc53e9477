package dev.sublayer.search;

import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.strategy.Strategy;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.Session;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * When a study must stop: before each generation the search asks whether it may start it, given the config's
 * budget totals, the strategy and the {@link BudgetUse budget use} so far. The rules, in the order they are
 * checked (the first that applies names the reason):
 * <ol>
 *   <li>the strategy has nothing more to propose ({@link Strategy#finished});</li>
 *   <li>{@code max_generations} generations are done;</li>
 *   <li>{@code max_trials} candidates were trained by the generations before;</li>
 *   <li>{@code max_training_flops} were spent by the generations before (re-evaluations included);</li>
 *   <li>{@code max_wall_hours} have passed, counting only the sessions' time;</li>
 *   <li>the search converged: no new candidate in the last {@value Search#STALL_GENERATIONS} generations.</li>
 * </ol>
 * The counts through the previous generation (not all trials in the store) keep resume exact: a session that
 * died mid-generation leaves trials of that generation, which an uninterrupted run would not yet have counted.
 */
final class BudgetPolicy {

    private final StudyConfig.StudyBudget budget;
    private final Strategy strategy;

    BudgetPolicy(StudyConfig.StudyBudget budget, Strategy strategy) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    /**
     * Why the study must not start generation {@code g}, or null when it may.
     *
     * @param used    the budget used before generation {@code g} ({@link #usedBefore})
     * @param history the generation checkpoints stored, oldest first
     */
    String exhausted(int g, BudgetUse used, List<GenerationRecord> history) {
        Optional<String> finished = strategy.finished(g);
        if (finished.isPresent()) {
            return finished.get();
        }
        if (g >= budget.maxGenerations()) {
            return "max_generations (" + budget.maxGenerations() + ") reached";
        }
        long trained = used.candidates();
        if (trained >= budget.maxTrials()) {
            return "max_trials (" + budget.maxTrials() + ") reached: " + trained + " candidates trained";
        }
        double flops = used.trainingFlops();
        if (flops >= budget.maxTrainingFlops()) {
            return String.format(Locale.ROOT, "max_training_flops (%.3g) reached: %.3g FLOPs spent",
                    budget.maxTrainingFlops(), flops);
        }
        if (used.wallSeconds() >= budget.maxWallHours() * 3600) {
            return String.format(Locale.ROOT, "max_wall_hours (%s) reached", budget.maxWallHours());
        }
        if (history.size() > Search.STALL_GENERATIONS) {
            int last = history.getLast().trialsDone();
            boolean stalled = true;
            for (int i = history.size() - 1 - Search.STALL_GENERATIONS; i < history.size(); i++) {
                stalled &= history.get(i).trialsDone() == last;
            }
            if (stalled) {
                return "converged: no new candidate in " + Search.STALL_GENERATIONS + " generations";
            }
        }
        return null;
    }

    /**
     * The budget used when generation {@code g} is about to start: candidates and training FLOPs of the finished
     * trials of generations up to {@code g - 1} (re-evaluations, generation -1, included in the FLOPs), and
     * {@code wallSeconds}, the study's wall seconds so far.
     *
     * @param generations generation checkpoints stored
     */
    static BudgetUse usedBefore(int g, StudyResults results, int generations, double wallSeconds) {
        return new BudgetUse(results.trainedCandidates(g - 1), results.trainingFlops(g - 1), wallSeconds, generations);
    }

    /**
     * Wall seconds of the sessions before this one ({@link StudyEvent#sessions}, {@link BudgetUse#wallSeconds}):
     * the newest session in the log is this session's own, begun when the store was opened.
     */
    static double wallSecondsBefore(List<StudyEvent> events) {
        List<Session> sessions = StudyEvent.sessions(events);
        return BudgetUse.wallSeconds(sessions.subList(0, Math.max(0, sessions.size() - 1)));
    }
}
