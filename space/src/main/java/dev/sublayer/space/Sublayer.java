package dev.sublayer.space;

/**
 * One block of a decoder-only transformer: a norm, a transformation and an
 * optional residual connection around both.
 *
 * <p>The set of kinds is closed on purpose: the cost model, the notation, the
 * codec and every training engine switch over it exhaustively, so adding a kind
 * is a compile error everywhere it must be handled.
 */
public sealed interface Sublayer permits Sublayer.Attention, Sublayer.FeedForward {

    /** Whether the block's output is added to its input ({@code x + f(x)}) or replaces it ({@code f(x)}). */
    boolean residual();

    /** The kind of this sublayer. */
    Kind kind();

    /** This sublayer with the residual connection set as given. */
    Sublayer withResidual(boolean residual);

    /** The closed set of sublayer kinds, with their notation letter. */
    enum Kind {
        ATTENTION('A'),
        FFN('F');

        private final char letter;

        Kind(char letter) {
            this.letter = letter;
        }

        /** The letter that starts this kind's token in the notation. */
        public char letter() {
            return letter;
        }

        /** The configuration name of this kind ({@code attention}, {@code ffn}). */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Causal multi-head self-attention with {@code heads} heads; query, key, value
     * and output projections are all {@code d_model × d_model} with biases.
     *
     * @param heads    number of heads, positive and dividing {@code d_model}
     * @param residual whether the block is residual
     */
    record Attention(int heads, boolean residual) implements Sublayer {
        public Attention {
            if (heads < 1) {
                throw new IllegalArgumentException("attention heads must be >= 1, got " + heads);
            }
        }

        /** A residual attention sublayer with the given number of heads. */
        public static Attention of(int heads) {
            return new Attention(heads, true);
        }

        @Override
        public Kind kind() {
            return Kind.ATTENTION;
        }

        @Override
        public Attention withResidual(boolean residual) {
            return new Attention(heads, residual);
        }
    }

    /**
     * Position-wise feed-forward block: {@code d_model → width → d_model} with
     * biases and the given activation in between.
     *
     * @param width      hidden width, positive
     * @param activation the activation between the two projections
     * @param residual   whether the block is residual
     */
    record FeedForward(int width, Activation activation, boolean residual) implements Sublayer {
        public FeedForward {
            if (width < 1) {
                throw new IllegalArgumentException("FFN width must be >= 1, got " + width);
            }
            java.util.Objects.requireNonNull(activation, "activation");
        }

        /** A residual GELU feed-forward sublayer of the given width. */
        public static FeedForward of(int width) {
            return new FeedForward(width, Activation.GELU, true);
        }

        @Override
        public Kind kind() {
            return Kind.FFN;
        }

        @Override
        public FeedForward withResidual(boolean residual) {
            return new FeedForward(width, activation, residual);
        }
    }
}
