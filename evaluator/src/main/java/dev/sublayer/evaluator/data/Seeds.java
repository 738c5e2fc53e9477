package dev.sublayer.evaluator.data;

/**
 * Derives independent seeds from a seed and a stream index, so that every random draw (the batch of
 * step {@code s}, the validation list, a probe's table) is a pure function of seeds the user can see.
 * This is what makes a trial resumable at any step without saving a random-number generator's state.
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
}
