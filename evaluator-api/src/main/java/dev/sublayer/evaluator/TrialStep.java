package dev.sublayer.evaluator;

/**
 * Where a running trial stands after one optimizer step, as a {@link TrialListener} hears it: what a worker
 * reports to its parent while it trains (a {@code progress} line of the worker protocol) and a live view draws as
 * the trial's learning curve.
 *
 * @param step     steps done so far (1 after the first step), counting earlier runs of a continued trial
 * @param maxSteps the step at which a step-countable cap stops training, {@link Long#MAX_VALUE} if only wall time
 *                 caps it
 * @param tokens   training tokens seen so far
 * @param loss     this step's training loss, nats per token ({@code NaN} if it was not finite)
 */
public record TrialStep(long step, long maxSteps, long tokens, double loss) {

    public TrialStep {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be >= 0, got " + maxSteps);
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must be >= 0, got " + tokens);
        }
    }
}
