package dev.sublayer.trial;

/**
 * One point of a learning curve.
 *
 * @param step       optimizer steps done
 * @param tokens     training tokens seen
 * @param seconds    training wall seconds so far
 * @param trainLoss  mean training loss (nats per token) since the previous point
 * @param validLoss  validation loss (nats per token) at this point, {@code NaN} where not measured
 */
public record CurvePoint(long step, long tokens, double seconds, double trainLoss, double validLoss) {
}
