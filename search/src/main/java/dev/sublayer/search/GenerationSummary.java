package dev.sublayer.search;

/**
 * One finished generation, for progress lines and bars.
 *
 * @param generation         the generation number (0 = initial population)
 * @param candidates         candidates the generation evaluated
 * @param trained            trials trained in this generation (all rungs)
 * @param failed             of those, how many did not complete
 * @param trainedCandidates  candidates trained at the first rung in the whole study so far
 * @param maxTrials          the trial budget ({@link Long#MAX_VALUE} when unset)
 * @param hypervolume        the normalised hypervolume of the study's front
 * @param bestBitsPerByte    the best validation bits per byte at the front's rung (NaN if none)
 * @param frontSize          members of the study's front
 * @param frontRung          the rung the front was measured at
 * @param seconds            wall seconds the generation took
 * @param studySeconds       wall seconds the study has run, all sessions
 * @param etaSeconds         estimated seconds until the study ends, as for {@link TrialProgress#etaSeconds()}
 *                           (NaN when unknown)
 */
public record GenerationSummary(int generation, int candidates, int trained, int failed, long trainedCandidates,
                                long maxTrials, double hypervolume, double bestBitsPerByte, int frontSize,
                                int frontRung, double seconds, double studySeconds, double etaSeconds) {
}
