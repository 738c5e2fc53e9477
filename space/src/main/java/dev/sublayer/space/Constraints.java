package dev.sublayer.space;

import java.util.ArrayList;
import java.util.List;

/**
 * Hard limits checked with the cost model before anything is built; a candidate
 * outside them is never trained. An unset limit is {@link Long#MAX_VALUE}.
 *
 * @param maxParams        total parameters
 * @param maxFlopsPerToken forward FLOPs per token
 * @param maxMemoryBytes   estimated training memory for one batch ({@link CostModel#estimateTrainingBytes})
 */
public record Constraints(long maxParams, long maxFlopsPerToken, long maxMemoryBytes) {

    public Constraints {
        if (maxParams < 1 || maxFlopsPerToken < 1 || maxMemoryBytes < 1) {
            throw new IllegalArgumentException("constraints must be >= 1, got max_params=" + maxParams
                    + " max_flops_per_token=" + maxFlopsPerToken + " max_memory_bytes=" + maxMemoryBytes);
        }
    }

    /** No limits. */
    public static Constraints none() {
        return new Constraints(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /**
     * What puts {@code a} outside these limits, one line each; empty when within. A cost too large to count (a
     * {@link CostOverflowException}) is a violation of every limit.
     */
    public List<String> violations(Architecture a, ModelShape shape, int batch) {
        try {
            return countedViolations(a, shape, batch);
        } catch (CostOverflowException e) {
            return List.of(e.getMessage());
        }
    }

    private List<String> countedViolations(Architecture a, ModelShape shape, int batch) {
        List<String> out = new ArrayList<>();
        Cost c = CostModel.of(a, shape);
        if (c.totalParams() > maxParams) {
            out.add("params " + c.totalParams() + " > max_params " + maxParams);
        }
        if (c.forwardFlopsPerToken() > maxFlopsPerToken) {
            out.add("FLOPs per token " + c.forwardFlopsPerToken() + " > max_flops_per_token " + maxFlopsPerToken);
        }
        if (maxMemoryBytes != Long.MAX_VALUE) {
            long m = CostModel.estimateTrainingBytes(a, shape, batch);
            if (m > maxMemoryBytes) {
                out.add("estimated memory " + m + " B > max_memory_bytes " + maxMemoryBytes);
            }
        }
        return out;
    }
}
