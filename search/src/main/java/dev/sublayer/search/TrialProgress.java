package dev.sublayer.search;

import dev.sublayer.storage.TrialRecord;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where a study stands when one of its trials ends: what a progress line or bar shows per trial.
 *
 * @param trial             the trial that ended (any final status)
 * @param generation        the generation that asked for it; -1 for the final re-evaluation
 * @param rungs             the trials this generation (or the re-evaluation) has trained so far in this session,
 *                          of those it planned, per rung in rung order: the rungs it has reached so far (promotions
 *                          are planned when a rung is complete); trials found finished in the store are not planned
 * @param trainedCandidates candidates trained at the first rung in the whole study so far (what {@code max_trials}
 *                          counts)
 * @param maxTrials         the trial budget ({@link Long#MAX_VALUE} when unset)
 * @param bestBitsPerByte   the study's best validation bits per byte so far, among the search's completed trials at
 *                          {@code bestRung} (NaN if none)
 * @param bestRung          the highest rung at which a search trial completed (-1 if none)
 * @param studySeconds      wall seconds the study has run, all sessions
 * @param etaSeconds        estimated seconds until the study ends, from this session's rate so far (NaN when
 *                          unknown; see {@code ProgressTally})
 */
public record TrialProgress(TrialRecord trial, int generation, List<RungCount> rungs, long trainedCandidates,
                            long maxTrials, double bestBitsPerByte, int bestRung, double studySeconds,
                            double etaSeconds) {

    /**
     * Trials of one rung in a generation (or the re-evaluation).
     *
     * @param rung    the rung (0 = the first)
     * @param done    trials that ended (any final status)
     * @param planned trials planned to train
     */
    public record RungCount(int rung, int done, int planned) {
    }

    public TrialProgress {
        Objects.requireNonNull(trial, "trial");
        rungs = List.copyOf(rungs);
    }

    /** Whether the trial belongs to the final re-evaluation rather than a generation. */
    public boolean reevaluation() {
        return generation < 0;
    }

    /** The trial's wall seconds, from its start to its end as stored; NaN if its end is unknown. */
    public double trialSeconds() {
        if (trial.finished() == null) {
            return Double.NaN;
        }
        return Duration.between(trial.started(), trial.finished()).toMillis() / 1000.0;
    }
}
