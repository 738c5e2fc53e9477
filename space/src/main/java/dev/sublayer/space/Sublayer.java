package dev.sublayer.space;

import java.util.Locale;
import java.util.Objects;

/**
 * One block of a decoder-only transformer: a norm, a transformation and an
 * optional residual connection around both. Every kind has exactly one norm
 * (its kind is the architecture's {@link NormKind}); with pre-LN the block is
 * {@code x + f(N(x))}, with post-LN {@code N(x + f(x))}, and without residual
 * {@code f(N(x))} or {@code N(f(x))}.
 *
 * <p>The set of kinds is closed on purpose: the cost model, the notation, the
 * codec and every training engine switch over it exhaustively, so adding a kind
 * is a compile error everywhere it must be handled.
 *
 * <p>Weights: every linear map {@code in → out} has an {@code in × out} matrix and
 * an {@code out} bias, except the MoE router (no bias). {@link CostModel} counts them.
 */
public sealed interface Sublayer permits Sublayer.Attention, Sublayer.FeedForward, Sublayer.DeepFeedForward,
        Sublayer.Parallel, Sublayer.MixtureOfExperts {

    /** Whether the block's output is added to its input ({@code x + f(x)}) or replaces it ({@code f(x)}). */
    boolean residual();

    /** The kind of this sublayer. */
    Kind kind();

    /** This sublayer with the residual connection set as given. */
    Sublayer withResidual(boolean residual);

    /**
     * Whether the block mixes information across positions (contains self-attention): true for
     * {@link Attention} and {@link Parallel}, false for the position-wise FFN kinds.
     */
    default boolean attends() {
        return this instanceof Attention || this instanceof Parallel;
    }

    /** The closed set of sublayer kinds, with their notation letter. */
    enum Kind {
        ATTENTION('A'),
        FFN('F'),
        DEEP_FFN('D'),
        PARALLEL('P'),
        MOE('M');

        private final char letter;

        Kind(char letter) {
            this.letter = letter;
        }

        /** The letter that starts this kind's token in the notation. */
        public char letter() {
            return letter;
        }

        /**
         * The configuration name of this kind ({@code attention}, {@code ffn}, {@code deep_ffn},
         * {@code parallel}, {@code moe}).
         */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The kind with the given config name.
         *
         * @throws IllegalArgumentException naming the value and the allowed names
         */
        public static Kind fromConfigName(String name) {
            for (Kind k : values()) {
                if (k.configName().equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown sublayer kind '" + name + "', expected one of " + allowedNames());
        }

        /** The allowed config names, comma-separated, for error messages. */
        public static String allowedNames() {
            return String.join(", ", java.util.Arrays.stream(values()).map(Kind::configName).toList());
        }
    }

    /**
     * Causal multi-head self-attention with {@code heads} heads; query, key, value
     * and output projections are all {@code d_model × d_model} with biases. Notation {@code A<heads>}.
     *
     * @param heads    number of heads, positive, at most {@link Limits#MAX_HEADS} and dividing {@code d_model}
     * @param residual whether the block is residual
     */
    record Attention(int heads, boolean residual) implements Sublayer {
        public Attention {
            if (heads < 1) {
                throw new IllegalArgumentException("attention heads must be >= 1, got " + heads);
            }
            Limits.requireAtMost("attention heads", heads, Limits.MAX_HEADS);
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
     * biases and the given activation in between (a gated activation adds a gate
     * projection {@code d_model → width}). Notation {@code F<width>[:activation]}.
     *
     * @param width      hidden width, positive, at most {@link Limits#MAX_WIDTH}
     * @param activation the activation between the two projections
     * @param residual   whether the block is residual
     */
    record FeedForward(int width, Activation activation, boolean residual) implements Sublayer {
        public FeedForward {
            if (width < 1) {
                throw new IllegalArgumentException("FFN width must be >= 1, got " + width);
            }
            Limits.requireAtMost("FFN width", width, Limits.MAX_WIDTH);
            Objects.requireNonNull(activation, "activation");
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

    /**
     * Deep feed-forward block: {@code layers} hidden layers of the same width inside one norm and one
     * residual, {@code d_model → width → … → width → d_model} ({@code layers + 1} linear maps with biases),
     * the activation after every hidden layer. With a gated activation each of the {@code layers} maps into
     * a hidden layer is doubled into gate and value. Notation {@code D<width>x<layers>[:activation]}.
     *
     * <p>{@code layers} counts hidden layers (activations), so {@code D512x2} has two hidden layers and
     * compares with two stacked {@code F512} sublayers, which have two hidden layers but two norms and two
     * residuals; {@code D512x1} would be {@code F512} and is not allowed.
     *
     * @param width      hidden width, positive, at most {@link Limits#MAX_WIDTH}
     * @param layers     hidden layers, >= 2 and at most {@link Limits#MAX_DEEP_LAYERS}
     * @param activation the activation after each hidden layer
     * @param residual   whether the block is residual
     */
    record DeepFeedForward(int width, int layers, Activation activation, boolean residual) implements Sublayer {
        public DeepFeedForward {
            if (width < 1) {
                throw new IllegalArgumentException("deep FFN width must be >= 1, got " + width);
            }
            Limits.requireAtMost("deep FFN width", width, Limits.MAX_WIDTH);
            if (layers < 2) {
                throw new IllegalArgumentException("deep FFN hidden layers must be >= 2 (D<width>x1 is F<width>), got "
                        + layers);
            }
            Limits.requireAtMost("deep FFN hidden layers", layers, Limits.MAX_DEEP_LAYERS);
            Objects.requireNonNull(activation, "activation");
        }

        @Override
        public Kind kind() {
            return Kind.DEEP_FFN;
        }

        @Override
        public DeepFeedForward withResidual(boolean residual) {
            return new DeepFeedForward(width, layers, activation, residual);
        }
    }

    /**
     * Parallel block (GPT-J, PaLM): attention and a feed-forward path read the same normalised input and
     * their outputs are summed, {@code y = x + Attn(N(x)) + FFN(N(x))} with one shared norm (post-LN:
     * {@code N(x + Attn(x) + FFN(x))}). The attention is {@link Attention}'s, the FFN {@link FeedForward}'s
     * without its own norm. Notation {@code P<heads>/<width>[:activation]}.
     *
     * @param heads      attention heads, positive, at most {@link Limits#MAX_HEADS} and dividing {@code d_model}
     * @param width      FFN hidden width, positive, at most {@link Limits#MAX_WIDTH}
     * @param activation the FFN's activation
     * @param residual   whether the block is residual
     */
    record Parallel(int heads, int width, Activation activation, boolean residual) implements Sublayer {
        public Parallel {
            if (heads < 1) {
                throw new IllegalArgumentException("parallel block heads must be >= 1, got " + heads);
            }
            Limits.requireAtMost("parallel block heads", heads, Limits.MAX_HEADS);
            if (width < 1) {
                throw new IllegalArgumentException("parallel block FFN width must be >= 1, got " + width);
            }
            Limits.requireAtMost("parallel block FFN width", width, Limits.MAX_WIDTH);
            Objects.requireNonNull(activation, "activation");
        }

        @Override
        public Kind kind() {
            return Kind.PARALLEL;
        }

        @Override
        public Parallel withResidual(boolean residual) {
            return new Parallel(heads, width, activation, residual);
        }
    }

    /**
     * Mixture-of-experts feed-forward block (Switch Transformer, GShard): {@code experts} FFNs of the same
     * width (each shaped as {@link FeedForward}) and a router {@code d_model × experts} without bias. Per
     * token the router's softmax probabilities pick the {@code topK} most probable experts; their outputs
     * are summed, weighted by those probabilities renormalised over the chosen {@code topK}. Training adds a
     * load-balancing loss ({@code E·Σᵢ fᵢ·Pᵢ}, see the engines). Notation
     * {@code M<experts>k<topK>/<width>[:activation]}.
     *
     * @param experts    number of experts, >= 2 and at most {@link Limits#MAX_EXPERTS}
     * @param topK       experts per token, in {@code [1, experts]}
     * @param width      each expert's hidden width, positive, at most {@link Limits#MAX_WIDTH}
     * @param activation the experts' activation
     * @param residual   whether the block is residual
     */
    record MixtureOfExperts(int experts, int topK, int width, Activation activation, boolean residual)
            implements Sublayer {
        public MixtureOfExperts {
            if (experts < 2) {
                throw new IllegalArgumentException("MoE experts must be >= 2 (one expert is an FFN), got " + experts);
            }
            Limits.requireAtMost("MoE experts", experts, Limits.MAX_EXPERTS);
            if (topK < 1 || topK > experts) {
                throw new IllegalArgumentException("MoE top-k must be between 1 and the experts (" + experts + "), got "
                        + topK);
            }
            if (width < 1) {
                throw new IllegalArgumentException("MoE expert width must be >= 1, got " + width);
            }
            Limits.requireAtMost("MoE expert width", width, Limits.MAX_WIDTH);
            Objects.requireNonNull(activation, "activation");
        }

        @Override
        public Kind kind() {
            return Kind.MOE;
        }

        @Override
        public MixtureOfExperts withResidual(boolean residual) {
            return new MixtureOfExperts(experts, topK, width, activation, residual);
        }
    }
}
