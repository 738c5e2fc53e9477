package dev.sublayer.trial;

/**
 * The caps on one training run; the first cap reached stops training. A cap that
 * is not set is {@link Long#MAX_VALUE} or {@link Double#POSITIVE_INFINITY}.
 *
 * @param maxSteps         optimizer steps, >= 1
 * @param maxTokens        training tokens seen, >= 1
 * @param maxSeconds       wall-clock seconds of training (building and evaluation excluded), > 0
 * @param maxTrainingFlops training FLOPs (3 × forward matrix-multiply FLOPs), > 0
 */
public record Budget(long maxSteps, long maxTokens, double maxSeconds, double maxTrainingFlops) {

    public Budget {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("max_steps must be >= 1, got " + maxSteps);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
        }
        if (!(maxSeconds > 0)) {
            throw new IllegalArgumentException("max_seconds must be > 0, got " + maxSeconds);
        }
        if (!(maxTrainingFlops > 0)) {
            throw new IllegalArgumentException("max_training_flops must be > 0, got " + maxTrainingFlops);
        }
        if (maxSteps == Long.MAX_VALUE && maxTokens == Long.MAX_VALUE && maxSeconds == Double.POSITIVE_INFINITY
                && maxTrainingFlops == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("a budget needs at least one cap: max_steps, max_tokens, max_seconds "
                    + "or max_training_flops");
        }
    }

    /** A budget of {@code steps} optimizer steps and nothing else. */
    public static Budget steps(long steps) {
        return new Budget(steps, Long.MAX_VALUE, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /** A budget of {@code tokens} training tokens and nothing else. */
    public static Budget tokens(long tokens) {
        return new Budget(Long.MAX_VALUE, tokens, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /** A budget of {@code seconds} wall-clock seconds of training and nothing else. */
    public static Budget seconds(double seconds) {
        return new Budget(Long.MAX_VALUE, Long.MAX_VALUE, seconds, Double.POSITIVE_INFINITY);
    }

    /** A budget of {@code flops} training FLOPs and nothing else. */
    public static Budget trainingFlops(double flops) {
        return new Budget(Long.MAX_VALUE, Long.MAX_VALUE, Double.POSITIVE_INFINITY, flops);
    }

    /** This budget with a step cap. */
    public Budget withMaxSteps(long steps) {
        return new Budget(steps, maxTokens, maxSeconds, maxTrainingFlops);
    }

    /** This budget with a token cap. */
    public Budget withMaxTokens(long tokens) {
        return new Budget(maxSteps, tokens, maxSeconds, maxTrainingFlops);
    }

    /** This budget with a wall-clock cap. */
    public Budget withMaxSeconds(double seconds) {
        return new Budget(maxSteps, maxTokens, seconds, maxTrainingFlops);
    }

    /** This budget with a training-FLOPs cap. */
    public Budget withMaxTrainingFlops(double flops) {
        return new Budget(maxSteps, maxTokens, maxSeconds, flops);
    }

    /**
     * The step at which a run of {@code tokensPerStep} tokens and {@code flopsPerStep}
     * training FLOPs a step reaches the first step-countable cap (wall time aside).
     */
    public long stepLimit(long tokensPerStep, double flopsPerStep) {
        long limit = maxSteps;
        if (maxTokens != Long.MAX_VALUE) {
            limit = Math.min(limit, Math.max(1, maxTokens / tokensPerStep));
        }
        if (maxTrainingFlops != Double.POSITIVE_INFINITY) {
            limit = Math.min(limit, Math.max(1, (long) (maxTrainingFlops / flopsPerStep)));
        }
        return limit;
    }
}
