package dev.sublayer.space;

/**
 * What the cost of a built model depends on beyond its architecture.
 *
 * @param vocabSize the number of token ids (256 for byte-level text), positive
 * @param tiedHead  whether the output head reuses the token-embedding matrix
 */
public record ModelShape(int vocabSize, boolean tiedHead) {
    public ModelShape {
        if (vocabSize < 1) {
            throw new IllegalArgumentException("vocab size must be >= 1, got " + vocabSize);
        }
    }

    /** Byte-level text (256 ids) with a tied head: Sublayer's default. */
    public static ModelShape bytes() {
        return new ModelShape(256, true);
    }
}
