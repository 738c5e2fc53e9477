package dev.sublayer.space;

import java.util.List;

/**
 * Structural features of an architecture that the ordering analysis relates to quality.
 *
 * @param attentionCount         number of attention sublayers
 * @param ffnCount               number of FFN sublayers
 * @param ffnParamShare          FFN parameters (their norms included) over non-embedding parameters, in [0, 1]
 * @param longestFfnRun          the longest run of consecutive FFN sublayers
 * @param attentionCentreOfMass  mean depth of the attention sublayers, 0 = bottom, 1 = top
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
            switch (sub) {
                case Sublayer.Attention ignored -> {
                    attention++;
                    run = 0;
                    depthSum += last == 0 ? 0.5 : (double) i / last;
                }
                case Sublayer.FeedForward f -> {
                    ffn++;
                    run++;
                    longest = Math.max(longest, run);
                    ffnParams += CostModel.params(f, a.dModel());
                }
            }
        }
        long nonEmbedding = CostModel.of(a, ModelShape.bytes()).nonEmbeddingParams();
        return new Features(attention, ffn, (double) ffnParams / nonEmbedding, longest,
                attention == 0 ? Double.NaN : depthSum / attention, residual);
    }
}
