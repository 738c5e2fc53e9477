package dev.sublayer.trial;

/**
 * What one trial measured. A figure that was not measured is {@code NaN} (or -1 for counts).
 *
 * @param validLoss          final validation loss, nats per token
 * @param validBitsPerByte   final validation loss in bits per byte (byte-level data: nats / ln 2)
 * @param validAccuracy      next-token (or probe answer) accuracy on validation, in [0, 1]
 * @param totalParams        parameters of the built model
 * @param nonEmbeddingParams non-embedding parameters (the size objective)
 * @param flopsPerToken      forward FLOPs per token (the cost model's figure)
 * @param trainingFlops      training FLOPs spent
 * @param steps              optimizer steps done
 * @param tokens             training tokens seen
 * @param buildSeconds       seconds spent building the model
 * @param trainSeconds       seconds spent training
 * @param evalSeconds        seconds spent evaluating
 * @param tokensPerSecond    training throughput
 * @param peakHeapBytes      peak Java heap in use
 * @param peakNativeBytes    peak off-heap (native) memory in use
 */
public record TrialMetrics(
        double validLoss,
        double validBitsPerByte,
        double validAccuracy,
        long totalParams,
        long nonEmbeddingParams,
        long flopsPerToken,
        double trainingFlops,
        long steps,
        long tokens,
        double buildSeconds,
        double trainSeconds,
        double evalSeconds,
        double tokensPerSecond,
        long peakHeapBytes,
        long peakNativeBytes) {

    /** Metrics of a trial that measured nothing (rejected or failed before training). */
    public static TrialMetrics none() {
        return new TrialMetrics(Double.NaN, Double.NaN, Double.NaN, -1, -1, -1, 0, 0, 0, 0, 0, 0, Double.NaN, -1, -1);
    }
}
