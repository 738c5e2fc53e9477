package dev.sublayer.search;

/**
 * Trial seeds. Trial keys are derived from a trial's request by {@link dev.sublayer.evaluator.TrialIdentity} (and
 * computed for a study by {@link StudyContext#key}); the seed is part of the request, so it is part of the key.
 */
public final class TrialKeys {

    private TrialKeys() {
    }

    /**
     * The training seed of replicate {@code replicate} of a study (0 for the search itself, 1.. for the
     * re-evaluation of the front). Every candidate shares the replicate's seed, so candidates see the same
     * initialisation stream and batch order and differ only by architecture.
     */
    public static long trialSeed(long studySeed, int replicate) {
        return Seeds.mix(studySeed, 0x7E57L + replicate);
    }
}
