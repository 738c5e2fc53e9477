package dev.sublayer.space;

/**
 * The analytic cost of one architecture at one {@link ModelShape}; see {@link CostModel}
 * for exactly what each figure counts.
 *
 * @param totalParams             every trainable parameter
 * @param embeddingParams         token and position embeddings, plus the head matrix when untied
 * @param nonEmbeddingParams      the sublayers (norms included) and the final norm: the size objective
 * @param forwardFlopsPerToken    matrix-multiply FLOPs of one token's forward pass at full context, head included
 * @param forwardFlopsPerSequence {@code context × forwardFlopsPerToken}
 * @param trainingFlopsPerToken   {@code 3 × forwardFlopsPerToken} (forward + backward)
 * @param activeParams            the parameters one token's forward pass uses: {@code totalParams} except that
 *                                mixture-of-experts sublayers count only their router and {@code top_k} experts
 */
public record Cost(
        long totalParams,
        long embeddingParams,
        long nonEmbeddingParams,
        long forwardFlopsPerToken,
        long forwardFlopsPerSequence,
        long trainingFlopsPerToken,
        long activeParams) {
}
