package dev.sublayer.evaluator;

/**
 * Progress of a running trial, for progress bars and logs. Called on the training thread after every
 * optimizer step; implementations must be quick and must not throw.
 */
@FunctionalInterface
public interface TrialListener {

    /** A listener that ignores everything. */
    TrialListener NONE = (step, maxSteps, tokens, loss) -> { };

    /**
     * One optimizer step is done.
     *
     * @param step     steps done so far (1 after the first step), counting earlier runs of a continued trial
     * @param maxSteps the step at which a step-countable cap stops training, {@link Long#MAX_VALUE} if only
     *                 wall time caps it
     * @param tokens   training tokens seen so far
     * @param loss     this step's training loss, nats per token
     */
    void stepDone(long step, long maxSteps, long tokens, double loss);
}
