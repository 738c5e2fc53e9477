package dev.sublayer.search;

import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;

/**
 * What a running search reports: progress for a console or a log, and the hook that regenerates the report
 * after every generation ({@link #generationDone}). Calls come from the search thread, in order; a listener
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

    /** A trial ended (any final status). */
    default void trialFinished(TrialRecord trial) {
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
