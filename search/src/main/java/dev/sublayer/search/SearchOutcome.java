package dev.sublayer.search;

import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.WorkerUtilisation;
import java.nio.file.Path;

/**
 * How a search session ended.
 *
 * @param state         finished, stopped, failed or faulted (all three resumable) or already finished before
 *                      this session
 * @param reason        why: the budget that ran out, the stop reason, the error every trial ended with, or the
 *                      fault and the trial it cut off
 * @param front         the study's front when the session ended (as stored with the last generation, where no
 *                      search trial finished after it)
 * @param reevaluation  mean and std of each front member's objectives over its seeds
 * @param generations   generations completed in the whole study
 * @param trainedCandidates candidates trained in the whole study
 * @param trainedThisSession trials trained in this session (all rungs and re-evaluations)
 * @param directory     the study directory
 * @param frontFile     the front as JSON
 * @param utilisation   how busy the worker slots were over the study's stored generations
 *                      ({@link WorkerUtilisation#NONE} where none was measured)
 */
public record SearchOutcome(State state, String reason, StudyFront front, FrontStats reevaluation,
                            int generations, long trainedCandidates, long trainedThisSession, Path directory,
                            Path frontFile, WorkerUtilisation utilisation) {

    public SearchOutcome {
        java.util.Objects.requireNonNull(utilisation, "utilisation");
    }

    /** An outcome without a utilisation measured. */
    public SearchOutcome(State state, String reason, StudyFront front, FrontStats reevaluation, int generations,
                         long trainedCandidates, long trainedThisSession, Path directory, Path frontFile) {
        this(state, reason, front, reevaluation, generations, trainedCandidates, trainedThisSession, directory,
                frontFile, WorkerUtilisation.NONE);
    }

    /** How a session ended. */
    public enum State {
        /** The budget was reached in this session; the study is finished. */
        FINISHED,
        /** The study had finished before: nothing was trained. */
        ALREADY_FINISHED,
        /** Stopped before the budget was reached (Ctrl-C, a signal); resumable. */
        STOPPED,
        /**
         * Stopped because every trial failed with the same error ({@code reason} says which): a cause no
         * candidate can avoid; resumable once it is fixed.
         */
        FAILED,
        /**
         * Stopped by a fault outside the candidates (no space left on device, worker processes that cannot start):
         * the trial it cut off is kept as interrupted, and the study resumes where it stopped once the fault is
         * fixed.
         */
        FAULTED
    }
}
