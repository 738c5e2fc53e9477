package dev.sublayer.search;

import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;

/**
 * What a running search reports: progress for a console or a log, and the hooks that regenerate the report
 * after every generation ({@link #generationDone}) and while trials finish ({@link #trialFinished}). Calls come from the search thread, in order; a listener
 * must not keep the search waiting long.
 */
public interface SearchListener {

    /** A listener that ignores everything. */
    SearchListener NONE = new SearchListener() {
    };

    /** The search starts (or resumes) with {@code status}. */
    default void searchStarted(SearchStatus status) {
    }

    /** Generation {@code generation} starts with {@code candidates} proposed candidates. */
    default void generationStarted(int generation, int candidates) {
    }

    /** A trial started training. */
    default void trialStarted(TrialRecord trial) {
    }

    /**
     * A running trial ({@code trial}, as recorded when it started) reports where its training stands: about once a
     * second while it trains, when the engine reports steps.
     */
    default void trialProgress(TrialRecord trial, TrialStep step) {
    }

    /**
     * A trial ended (any final status): {@code progress} holds it and where the study stands now;
     * {@code store} is the study's open store, readable here (e.g. for a report refreshed on a timer). It must not
     * be closed or written.
     */
    default void trialFinished(TrialProgress progress, StudyStorage store) {
    }

    /**
     * The study's budget changed while the search runs ({@code sublayer study budget}); {@code change} says what
     * changed, e.g. {@code max_trials 24 -> 30}.
     */
    default void budgetChanged(StudyConfig.StudyBudget budget, String change) {
    }

    /**
     * A generation is complete and checkpointed; {@code store} is the study's open store, readable here (for
     * a report regenerated after each generation). It must not be closed or written.
     */
    default void generationDone(GenerationSummary summary, StudyStorage store) {
    }

    /** The search ended: finished, budget reached, or stopped. */
    default void searchFinished(SearchOutcome outcome, StudyStorage store) {
    }
}
