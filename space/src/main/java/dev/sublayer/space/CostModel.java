package dev.sublayer.space;

/**
 * The analytic cost model: parameters, FLOPs and memory of an architecture,
 * computed without building it. Every engine's built model must have exactly
 * {@link Cost#totalParams()} parameters; the evaluator tests that.
 *
 * <h2>Parameters</h2>
 * With {@code d = d_model}, {@code n = context}, {@code V = vocab}, and a norm of
 * {@code 2d} (LayerNorm: gain and bias) or {@code d} (RMSNorm: gain), every linear map
 * {@code in → out} being {@code in·out + out} (matrix and bias):
 * <ul>
 *   <li>attention {@code A}: norm, Q, K, V and output projections {@code 4d² + 4d};</li>
 *   <li>FFN {@code F} of width {@code w}: norm, up {@code d·w + w}, down {@code w·d + d}; gated
 *       activations add a gate {@code d·w + w}, so {@code 3d·w + 2w + d};</li>
 *   <li>deep FFN {@code D} of width {@code w} with {@code k} hidden layers: norm, {@code d → w},
 *       {@code k − 1} maps {@code w → w}, {@code w → d}; gated activations double every map into a
 *       hidden layer (the first {@code k});</li>
 *   <li>parallel block {@code P}: one norm, the attention's projections and the FFN's maps;</li>
 *   <li>mixture of experts {@code M} with {@code E} experts: norm, router {@code d·E} (no bias), {@code E}
 *       FFNs without norms;</li>
 *   <li>final norm with {@link NormPlacement#PRE pre-LN} only;</li>
 *   <li>token embedding {@code V·d}, learned positions {@code n·d}, head {@code d·V} (no bias)
 *       only when untied.</li>
 * </ul>
 * Non-embedding parameters are the sublayers plus the final norm. <em>Active</em> parameters are those a
 * token's forward pass uses: all of them, except that an MoE sublayer counts only its router and
 * {@code top_k} of its experts.
 *
 * <h2>FLOPs</h2>
 * Forward matrix multiplies only, one multiply-add = 2 FLOPs, per token at full
 * context (the Kaplan et al. convention): attention {@code 8d² + 4n·d} (projections,
 * then scores and weighted values over all {@code n} positions, causal masking not
 * discounted), each linear map {@code in → out} {@code 2·in·out} (so FFN {@code 4d·w}, gated
 * {@code 6d·w}), head {@code 2d·V}. An MoE sublayer counts its router {@code 2d·E} and the
 * <em>active path</em>, {@code top_k} experts, even where an engine computes all experts densely.
 * Norms, softmax, activations, gating products and the embedding lookup are left out.
 * Training ≈ 3 × forward.
 *
 * <h2>Range</h2>
 * Every figure is counted exactly in a {@code long}. Within the {@link Limits} the per-token figures always fit;
 * a figure that does not (FLOPs per sequence or training memory of a huge model, long context or large batch) is
 * refused with a {@link CostOverflowException} naming it, never wrapped round to a wrong or negative count.
 */
public final class CostModel {

    private static final long FLOAT_BYTES = 4;

    private CostModel() {
    }

    /**
     * The cost of {@code a} at the given shape.
     *
     * @throws CostOverflowException if a figure does not fit a {@code long}
     */
    public static Cost of(Architecture a, ModelShape shape) {
        long d = a.dModel();
        long n = a.context();
        long v = shape.vocabSize();
        long sublayerParams = 0;
        long inactiveParams = 0;
        long sublayerFlops = 0;
        for (Sublayer s : a.sublayers()) {
            long p = params(s, a.dModel(), a.normKind());
            sublayerParams = add("the parameters", sublayerParams, p);
            inactiveParams = add("the parameters", inactiveParams, p - activeParams(s, a.dModel(), a.normKind()));
            sublayerFlops = add("the forward FLOPs per token", sublayerFlops,
                    forwardFlopsPerToken(s, a.dModel(), a.context()));
        }
        long finalNorm = a.norm() == NormPlacement.PRE ? a.normKind().params(a.dModel()) : 0;
        long nonEmbedding = add("the parameters", sublayerParams, finalNorm);
        long embedding = v * d + n * d + (shape.tiedHead() ? 0 : d * v);
        long total = add("the parameters", nonEmbedding, embedding);
        long forward = add("the forward FLOPs per token", sublayerFlops, 2 * d * v);
        return new Cost(total, embedding, nonEmbedding, forward,
                counted("the forward FLOPs per sequence", () -> Math.multiplyExact(forward, n)),
                counted("the training FLOPs per token", () -> Math.multiplyExact(3, forward)),
                total - inactiveParams);
    }

    /** Parameters of one sublayer with a LayerNorm; see {@link #params(Sublayer, int, NormKind)}. */
    public static long params(Sublayer s, int dModel) {
        return params(s, dModel, NormKind.LAYER);
    }

    /** Parameters of one sublayer, its norm (of the given kind) included; MoE counts every expert. */
    public static long params(Sublayer s, int dModel, NormKind normKind) {
        long d = dModelWithinLimits(dModel);
        return normKind.params(dModel) + switch (s) {
            case Sublayer.Attention ignored -> attentionParams(d);
            case Sublayer.FeedForward f -> ffnParams(d, f.width(), f.activation());
            case Sublayer.DeepFeedForward f -> deepFfnParams(d, f.width(), f.layers(), f.activation());
            case Sublayer.Parallel p -> attentionParams(d) + ffnParams(d, p.width(), p.activation());
            case Sublayer.MixtureOfExperts m -> moeParams(d, m.experts(), m);
        };
    }

    /**
     * Parameters of one sublayer that one token's forward pass uses, its norm included: {@link #params}
     * except for MoE, which counts its router and {@code top_k} experts.
     */
    public static long activeParams(Sublayer s, int dModel, NormKind normKind) {
        if (s instanceof Sublayer.MixtureOfExperts m) {
            long d = dModelWithinLimits(dModel);
            return normKind.params(dModel) + moeParams(d, m.topK(), m);
        }
        return params(s, dModel, normKind);
    }

    /**
     * The parameters of the feed-forward half of a sublayer, without any norm: the whole block for
     * {@code F}, {@code D} and {@code M} (router included), the FFN maps of a {@code P}, 0 for attention.
     */
    public static long ffnPartParams(Sublayer s, int dModel) {
        long d = dModelWithinLimits(dModel);
        return switch (s) {
            case Sublayer.Attention ignored -> 0;
            case Sublayer.FeedForward f -> ffnParams(d, f.width(), f.activation());
            case Sublayer.DeepFeedForward f -> deepFfnParams(d, f.width(), f.layers(), f.activation());
            case Sublayer.Parallel p -> ffnParams(d, p.width(), p.activation());
            case Sublayer.MixtureOfExperts m -> moeParams(d, m.experts(), m);
        };
    }

    /** Forward matrix-multiply FLOPs of one sublayer for one token at full context (MoE: the active path). */
    public static long forwardFlopsPerToken(Sublayer s, int dModel, int context) {
        long d = dModelWithinLimits(dModel);
        Limits.requireAtMost("context", context, Limits.MAX_CONTEXT);
        return switch (s) {
            case Sublayer.Attention ignored -> attentionFlops(d, context);
            case Sublayer.FeedForward f -> ffnFlops(d, f.width(), f.activation());
            case Sublayer.DeepFeedForward f -> {
                long w = f.width();
                int gates = f.activation().gated() ? 2 : 1;
                yield gates * (2 * d * w + (f.layers() - 1) * 2 * w * w) + 2 * w * d;
            }
            case Sublayer.Parallel p -> attentionFlops(d, context) + ffnFlops(d, p.width(), p.activation());
            case Sublayer.MixtureOfExperts m -> 2 * d * m.experts() + m.topK() * ffnFlops(d, m.width(), m.activation());
        };
    }

    /**
     * The width an FFN with activation {@code to} needs to have about the parameters of an FFN of
     * {@code width} with activation {@code from} (norm excluded; the nearest integer width, ties to the
     * smaller). At {@code d_model} 128, {@code F1024} matches {@code F682:swiglu} and {@code F512:geglu}
     * matches {@code F769}.
     *
     * @throws IllegalArgumentException if {@code width} or {@code dModel} is below 1
     */
    public static int equalParamsWidth(int width, Activation from, Activation to, int dModel) {
        if (width < 1 || dModel < 1) {
            throw new IllegalArgumentException("width and d_model must be >= 1, got width " + width + ", d_model "
                    + dModel);
        }
        Limits.requireAtMost("width", width, Limits.MAX_WIDTH);
        long d = dModelWithinLimits(dModel);
        long target = ffnParams(d, width, from);
        // params(w) = slope·w + d is linear in w: solve, then take the nearer neighbour.
        long slope = (to.gated() ? 3 * d + 2 : 2 * d + 1);
        long lower = Math.max(1, (target - d) / slope);
        long best = lower;
        for (long w = lower; w <= lower + 1; w++) {
            if (Math.abs(ffnParams(d, w, to) - target) < Math.abs(ffnParams(d, best, to) - target)) {
                best = w;
            }
        }
        return Math.toIntExact(best);
    }

    // Within the Limits (d_model <= 2^16, context and widths <= 2^20, 64 deep layers, 1024 heads and experts) one
    // sublayer's parameters, FLOPs and activation floats per token stay below 2^50, so the plain arithmetic on
    // one sublayer cannot wrap; the records check the sublayer's sizes and dModelWithinLimits the d_model. Sums
    // over sublayers and products with context, batch or vocabulary go through the exact helpers.

    private static long dModelWithinLimits(int dModel) {
        Limits.requireAtMost("d_model", dModel, Limits.MAX_D_MODEL);
        return dModel;
    }

    private static long attentionParams(long d) {
        return 4 * d * d + 4 * d;
    }

    private static long attentionFlops(long d, int context) {
        return 8 * d * d + 4L * context * d;
    }

    private static long ffnParams(long d, long w, Activation activation) {
        long in = d * w + w;
        return (activation.gated() ? 2 * in : in) + w * d + d;
    }

    /** An MoE block's router ({@code d × experts}) and {@code counted} of its experts. */
    private static long moeParams(long d, int counted, Sublayer.MixtureOfExperts m) {
        return d * m.experts() + counted * ffnParams(d, m.width(), m.activation());
    }

    private static long ffnFlops(long d, long w, Activation activation) {
        return (activation.gated() ? 6 : 4) * d * w;
    }

    private static long deepFfnParams(long d, long w, int layers, Activation activation) {
        long intoHidden = (d * w + w) + (layers - 1) * (w * w + w);
        return (activation.gated() ? 2 * intoHidden : intoHidden) + w * d + d;
    }

    /**
     * An estimate of training memory in bytes for one batch: weights, gradients and
     * two AdamW moments (16 bytes a parameter) plus float32 activations kept for the
     * backward pass. MoE counts every expert's activations, as engines compute them densely.
     * It is a planning figure for hard constraints, not a measurement.
     *
     * @param batch sequences per step, positive
     * @throws CostOverflowException if the estimate does not fit a {@code long}
     */
    public static long estimateTrainingBytes(Architecture a, ModelShape shape, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        long d = a.dModel();
        long n = a.context();
        long v = shape.vocabSize();
        long tokens = (long) batch * n;
        long perToken = 2 * v + d + 2 * v; // one-hot input, embedding sum, logits and softmax
        for (Sublayer s : a.sublayers()) {
            perToken = add("the training-memory estimate", perToken, switch (s) {
                case Sublayer.Attention att -> 7 * d + 2L * att.heads() * n;
                case Sublayer.FeedForward f -> 3 * d + hiddenFloats(f.width(), f.activation());
                case Sublayer.DeepFeedForward f -> 3 * d + f.layers() * hiddenFloats(f.width(), f.activation());
                case Sublayer.Parallel p -> 8 * d + 2L * p.heads() * n + hiddenFloats(p.width(), p.activation());
                case Sublayer.MixtureOfExperts m -> {
                    long e = m.experts();
                    // every expert's hidden layer and output, its gated output; router logits, ranks, masks, gates
                    yield 3 * d + e * (hiddenFloats(m.width(), m.activation()) + 2 * d) + e * e + 8 * e;
                }
            });
        }
        long params = of(a, shape).totalParams();
        long floats = perToken;
        return counted("the training-memory estimate", () -> Math.multiplyExact(FLOAT_BYTES,
                Math.addExact(Math.multiplyExact(4, params), Math.multiplyExact(tokens, floats))));
    }

    /** Floats one hidden layer keeps per token: pre- and post-activation, plus gate and product when gated. */
    private static long hiddenFloats(int width, Activation activation) {
        return switch (activation) {
            case RELU, GELU -> 2L * width;
            case RELU2 -> 3L * width;
            case SWIGLU, GEGLU -> 4L * width;
        };
    }

    /** {@code a + b}, or a {@link CostOverflowException} naming {@code figure}. */
    private static long add(String figure, long a, long b) {
        return counted(figure, () -> Math.addExact(a, b));
    }

    /** The value {@code exact} computes, with its {@link ArithmeticException} reported as an overflow of {@code figure}. */
    private static long counted(String figure, java.util.function.LongSupplier exact) {
        try {
            return exact.getAsLong();
        } catch (ArithmeticException e) {
            throw new CostOverflowException(figure);
        }
    }
}
