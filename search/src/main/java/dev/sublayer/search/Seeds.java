package dev.sublayer.search;

/**
 * Seed derivation: every random stream of a study (each generation's strategy RNG, each trial's seed) is a
 * pure function of the study seed and the stream's index, so a resumed study draws exactly what an
 * uninterrupted one would.
 */
public final class Seeds {

    private Seeds() {
    }

    /** A well-mixed 64-bit seed for stream {@code index} of {@code seed} (SplitMix64 finaliser). */
    public static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The seed of generation {@code generation}'s strategy RNG. */
    public static long generation(long studySeed, int generation) {
        return mix(mix(studySeed, 0x6E6EL), generation);
    }
}
