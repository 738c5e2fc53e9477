package dev.sublayer.space;

import java.util.List;

/**
 * Structural features of an architecture that the ordering analysis relates to quality.
 *
 * <p>How the kinds count: {@code F}, {@code D} and {@code M} are FFN sublayers; {@code A} is an attention
 * sublayer; a parallel block {@code P} is both — one attention and one FFN — so
 * {@code attentionCount + ffnCount} exceeds the depth when there are {@code P}s. For runs, a {@code P}
 * counts as an attention followed by an FFN: it ends the run before it and starts a run of 1 (its FFN
 * half), which the FFNs after it extend ({@code P F F} has a run of 3, {@code P P} of 1).
 *
 * @param attentionCount         sublayers with attention ({@code A}, {@code P})
 * @param ffnCount               sublayers with an FFN path ({@code F}, {@code D}, {@code M}, {@code P})
 * @param ffnParamShare          FFN parameters over non-embedding parameters, in [0, 1]: {@code F}, {@code D}
 *                               and {@code M} whole (norm, and for {@code M} router and every expert, included),
 *                               of a {@code P} its FFN maps only (its shared norm counts with its attention)
 * @param longestFfnRun          the longest run of consecutive FFN computations without attention between them
 * @param attentionCentreOfMass  mean depth of the sublayers with attention, 0 = bottom, 1 = top
 *                               (0.5 for a single sublayer); {@code NaN} without attention
 * @param residualCount          sublayers with a residual connection
 */
public record Features(
        int attentionCount,
        int ffnCount,
        double ffnParamShare,
        int longestFfnRun,
        double attentionCentreOfMass,
        int residualCount) {

    /** The features of {@code a}. */
    public static Features of(Architecture a) {
        List<Sublayer> s = a.sublayers();
        int attention = 0;
        int ffn = 0;
        int run = 0;
        int longest = 0;
        int residual = 0;
        long ffnParams = 0;
        double depthSum = 0;
        int last = s.size() - 1;
        for (int i = 0; i < s.size(); i++) {
            Sublayer sub = s.get(i);
            if (sub.residual()) {
                residual++;
            }
            if (sub.attends()) {
                attention++;
                depthSum += last == 0 ? 0.5 : (double) i / last;
            }
            switch (sub) {
                case Sublayer.Attention ignored -> run = 0;
                case Sublayer.Parallel p -> {
                    ffn++;
                    run = 1;
                    ffnParams += CostModel.ffnPartParams(p, a.dModel());
                }
                case Sublayer.FeedForward f -> {
                    ffn++;
                    run++;
                    ffnParams += CostModel.params(f, a.dModel(), a.normKind());
                }
                case Sublayer.DeepFeedForward f -> {
                    ffn++;
                    run++;
                    ffnParams += CostModel.params(f, a.dModel(), a.normKind());
                }
                case Sublayer.MixtureOfExperts m -> {
                    ffn++;
                    run++;
                    ffnParams += CostModel.params(m, a.dModel(), a.normKind());
                }
            }
            longest = Math.max(longest, run);
        }
        long nonEmbedding = CostModel.of(a, ModelShape.bytes()).nonEmbeddingParams();
        return new Features(attention, ffn, (double) ffnParams / nonEmbedding, longest,
                attention == 0 ? Double.NaN : depthSum / attention, residual);
    }
}
