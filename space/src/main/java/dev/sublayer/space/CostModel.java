package dev.sublayer.space;

/**
 * The analytic cost model: parameters, FLOPs and memory of an architecture,
 * computed without building it. Every engine's built model must have exactly
 * {@link Cost#totalParams()} parameters; the evaluator tests that.
 *
 * <h2>Parameters</h2>
 * With {@code d = d_model}, {@code n = context}, {@code V = vocab}:
 * <ul>
 *   <li>attention: LayerNorm gain and bias {@code 2d}, Q, K, V and output projections
 *       with biases {@code 4d² + 4d};</li>
 *   <li>FFN of width {@code w}: LayerNorm {@code 2d}, up {@code d·w + w}, down {@code w·d + d};</li>
 *   <li>final LayerNorm {@code 2d} with {@link NormPlacement#PRE pre-LN} only;</li>
 *   <li>token embedding {@code V·d}, learned positions {@code n·d}, head {@code d·V} (no bias)
 *       only when untied.</li>
 * </ul>
 * Non-embedding parameters are the sublayers plus the final norm.
 *
 * <h2>FLOPs</h2>
 * Forward matrix multiplies only, one multiply-add = 2 FLOPs, per token at full
 * context (the Kaplan et al. convention): attention {@code 8d² + 4n·d} (projections,
 * then scores and weighted values over all {@code n} positions, causal masking not
 * discounted), FFN {@code 4d·w}, head {@code 2d·V}. Norms, softmax, activations and
 * the embedding lookup are left out. Training ≈ 3 × forward.
 */
public final class CostModel {

    private static final long FLOAT_BYTES = 4;

    private CostModel() {
    }

    /** The cost of {@code a} at the given shape. */
    public static Cost of(Architecture a, ModelShape shape) {
        long d = a.dModel();
        long n = a.context();
        long v = shape.vocabSize();
        long sublayerParams = 0;
        long sublayerFlops = 0;
        for (Sublayer s : a.sublayers()) {
            sublayerParams += params(s, a.dModel());
            sublayerFlops += forwardFlopsPerToken(s, a.dModel(), a.context());
        }
        long finalNorm = a.norm() == NormPlacement.PRE ? 2 * d : 0;
        long nonEmbedding = sublayerParams + finalNorm;
        long embedding = v * d + n * d + (shape.tiedHead() ? 0 : d * v);
        long forward = sublayerFlops + 2 * d * v;
        return new Cost(nonEmbedding + embedding, embedding, nonEmbedding, forward, forward * n, 3 * forward);
    }

    /** Parameters of one sublayer, its LayerNorm included. */
    public static long params(Sublayer s, int dModel) {
        long d = dModel;
        long norm = 2 * d;
        return norm + switch (s) {
            case Sublayer.Attention ignored -> 4 * d * d + 4 * d;
            case Sublayer.FeedForward f -> 2 * d * f.width() + f.width() + d;
        };
    }

    /** Forward matrix-multiply FLOPs of one sublayer for one token at full context. */
    public static long forwardFlopsPerToken(Sublayer s, int dModel, int context) {
        long d = dModel;
        return switch (s) {
            case Sublayer.Attention ignored -> 8 * d * d + 4L * context * d;
            case Sublayer.FeedForward f -> 4 * d * f.width();
        };
    }

    /**
     * An estimate of training memory in bytes for one batch: weights, gradients and
     * two AdamW moments (16 bytes a parameter) plus float32 activations kept for the
     * backward pass. It is a planning figure for hard constraints, not a measurement.
     *
     * @param batch sequences per step, positive
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
            perToken += switch (s) {
                case Sublayer.Attention att -> 7 * d + 2L * att.heads() * n;
                case Sublayer.FeedForward f -> 3 * d + 2L * f.width();
            };
        }
        long state = 4 * of(a, shape).totalParams();
        return FLOAT_BYTES * (state + tokens * perToken);
    }
}
