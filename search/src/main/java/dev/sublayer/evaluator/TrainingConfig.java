package dev.sublayer.evaluator;

/** TEMPORARY stand-in for the evaluator's contract type (CONTRACTS.md); deleted when the evaluator lands. */
public record TrainingConfig(double learningRate, double weightDecay, double beta1, double beta2, long warmupSteps,
                             long scheduleSteps, double gradientClip, boolean tiedHead) {
    public static TrainingConfig defaults() {
        return new TrainingConfig(1e-3, 0.01, 0.9, 0.95, 20, 1000, 1.0, true);
    }
}
