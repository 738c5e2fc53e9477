package dev.sublayer.trial;

/**
 * Every seed Sublayer derives, from a seed the user can see and a stream index: each generation's strategy RNG and
 * each trial's seed from the study seed, and, inside a trial, the batch of step {@code s}, the validation list and
 * a probe's tables from the trial and data seeds. Because every random stream is a pure function of visible seeds,
 * a resumed study draws exactly what an uninterrupted one would, and a trial continues at any step without a saved
 * random-number generator.
 */
public final class Seeds {

    private Seeds() {
    }

    /** A well-mixed 64-bit seed for stream {@code index} of {@code seed} (the SplitMix64 finaliser). */
    public static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The seed of generation {@code generation}'s strategy RNG in the study of seed {@code studySeed}. */
    public static long generation(long studySeed, int generation) {
        return mix(mix(studySeed, 0x6E6EL), generation);
    }

    /**
     * The training seed of replicate {@code replicate} of the study of seed {@code studySeed} (0 for the search
     * itself, 1.. for the re-evaluation of the front). Every candidate shares the replicate's seed, so candidates
     * see the same initialisation stream and batch order and differ only by architecture.
     */
    public static long trial(long studySeed, int replicate) {
        return mix(studySeed, 0x7E57L + replicate);
    }
}
