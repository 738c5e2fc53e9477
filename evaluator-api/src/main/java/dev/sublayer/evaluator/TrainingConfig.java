package dev.sublayer.evaluator;

import dev.sublayer.space.ModelShape;

/**
 * How a candidate is trained: optimizer, learning-rate schedule, head tying, initialisation and what is
 * recorded. Part of a trial's identity: two trials with different training configs are different trials.
 *
 * <p>The learning rate warms up linearly over {@code warmupSteps} to {@code learningRate}, then follows a
 * cosine down to {@code minLearningRate} at {@code scheduleSteps} and stays there. The horizon is fixed
 * here, not derived from the budget, so a trial continued to a larger budget is exactly the trial that
 * would have been trained straight through.
 *
 * @param learningRate      peak learning rate, > 0
 * @param minLearningRate   learning rate at and after the end of the schedule, in [0, learningRate]
 * @param warmupSteps       linear warm-up steps, >= 0 and < scheduleSteps
 * @param scheduleSteps     the step at which the cosine reaches {@code minLearningRate}, >= 1
 * @param beta1             AdamW β₁, in [0, 1)
 * @param beta2             AdamW β₂, in [0, 1)
 * @param epsilon           AdamW ε, > 0
 * @param weightDecay       decoupled weight decay on weight matrices and embeddings (not biases or norms), >= 0
 * @param gradClip          global gradient-norm clip, > 0; 0 disables clipping
 * @param tiedHead          whether the output head reuses the token embedding
 * @param initStd           standard deviation of initial weight matrices, > 0
 * @param logEvery          a learning-curve point (mean training loss) every this many steps, >= 1
 * @param validEvery        also measure validation loss every this many steps; 0 = only at the end
 * @param divergenceFactor  a loss above {@code factor × ln(vocab)} for 3 steps in a row is a divergence, > 1
 * @param moeAuxWeight      weight of the mixture-of-experts load-balancing loss in the training objective (not in
 *                          the reported losses), >= 0; irrelevant without MoE sublayers
 */
public record TrainingConfig(
        double learningRate,
        double minLearningRate,
        long warmupSteps,
        long scheduleSteps,
        double beta1,
        double beta2,
        double epsilon,
        double weightDecay,
        double gradClip,
        boolean tiedHead,
        double initStd,
        int logEvery,
        int validEvery,
        double divergenceFactor,
        double moeAuxWeight) {

    /** The MoE load-balancing weight of {@link #defaults()} (Switch Transformer's). */
    public static final double DEFAULT_MOE_AUX_WEIGHT = 0.01;

    public TrainingConfig {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning_rate must be > 0, got " + learningRate);
        }
        if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
            throw new IllegalArgumentException("min_learning_rate must be in [0, learning_rate " + learningRate
                    + "], got " + minLearningRate);
        }
        if (scheduleSteps < 1) {
            throw new IllegalArgumentException("schedule_steps must be >= 1, got " + scheduleSteps);
        }
        if (warmupSteps < 0 || warmupSteps >= scheduleSteps) {
            throw new IllegalArgumentException("warmup_steps must be in [0, schedule_steps " + scheduleSteps
                    + "), got " + warmupSteps);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        }
        if (!(gradClip >= 0)) {
            throw new IllegalArgumentException("grad_clip must be >= 0 (0 = off), got " + gradClip);
        }
        if (!(initStd > 0)) {
            throw new IllegalArgumentException("init_std must be > 0, got " + initStd);
        }
        if (logEvery < 1) {
            throw new IllegalArgumentException("log_every must be >= 1, got " + logEvery);
        }
        if (validEvery < 0) {
            throw new IllegalArgumentException("valid_every must be >= 0 (0 = only at the end), got " + validEvery);
        }
        if (!(divergenceFactor > 1)) {
            throw new IllegalArgumentException("divergence_factor must be > 1, got " + divergenceFactor);
        }
        if (!(moeAuxWeight >= 0) || Double.isInfinite(moeAuxWeight)) {
            throw new IllegalArgumentException("moe_aux_weight must be a finite number >= 0, got " + moeAuxWeight);
        }
    }

    /** A config with the default MoE load-balancing weight {@value #DEFAULT_MOE_AUX_WEIGHT}. */
    public TrainingConfig(double learningRate, double minLearningRate, long warmupSteps, long scheduleSteps,
            double beta1, double beta2, double epsilon, double weightDecay, double gradClip, boolean tiedHead,
            double initStd, int logEvery, int validEvery, double divergenceFactor) {
        this(learningRate, minLearningRate, warmupSteps, scheduleSteps, beta1, beta2, epsilon, weightDecay, gradClip,
                tiedHead, initStd, logEvery, validEvery, divergenceFactor, DEFAULT_MOE_AUX_WEIGHT);
    }

    /**
     * lr 1e-3 → 1e-4, 100 warm-up steps, cosine horizon 2000 steps, β = (0.9, 0.99), ε 1e-8, weight decay
     * 0.1, clip 1.0, tied head, init std 0.02, a curve point every 10 steps, validation at the end,
     * divergence at 2 × ln(vocab), MoE load-balancing weight 0.01.
     */
    public static TrainingConfig defaults() {
        return new TrainingConfig(1e-3, 1e-4, 100, 2000, 0.9, 0.99, 1e-8, 0.1, 1.0, true, 0.02, 10, 0, 2.0,
                DEFAULT_MOE_AUX_WEIGHT);
    }

    /** The learning rate of optimizer step {@code step} (0-based). */
    public double learningRate(long step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (scheduleSteps - warmupSteps));
        return minLearningRate + 0.5 * (1 + Math.cos(Math.PI * progress)) * (learningRate - minLearningRate);
    }

    /** The model shape for a vocabulary of {@code vocabSize} ids. */
    public ModelShape shape(int vocabSize) {
        return new ModelShape(vocabSize, tiedHead);
    }

    /** This config with another warm-up and schedule horizon. */
    public TrainingConfig withSchedule(long warmup, long horizon) {
        return new TrainingConfig(learningRate, minLearningRate, warmup, horizon, beta1, beta2, epsilon, weightDecay,
                gradClip, tiedHead, initStd, logEvery, validEvery, divergenceFactor, moeAuxWeight);
    }

    /** This config with another peak and final learning rate. */
    public TrainingConfig withLearningRate(double peak, double min) {
        return new TrainingConfig(peak, min, warmupSteps, scheduleSteps, beta1, beta2, epsilon, weightDecay,
                gradClip, tiedHead, initStd, logEvery, validEvery, divergenceFactor, moeAuxWeight);
    }

    /** This config with the head tied or untied. */
    public TrainingConfig withTiedHead(boolean tied) {
        return new TrainingConfig(learningRate, minLearningRate, warmupSteps, scheduleSteps, beta1, beta2, epsilon,
                weightDecay, gradClip, tied, initStd, logEvery, validEvery, divergenceFactor, moeAuxWeight);
    }

    /** This config with other recording intervals. */
    public TrainingConfig withLogging(int everySteps, int validateEvery) {
        return new TrainingConfig(learningRate, minLearningRate, warmupSteps, scheduleSteps, beta1, beta2, epsilon,
                weightDecay, gradClip, tiedHead, initStd, everySteps, validateEvery, divergenceFactor, moeAuxWeight);
    }

    /** This config with another MoE load-balancing weight. */
    public TrainingConfig withMoeAuxWeight(double weight) {
        return new TrainingConfig(learningRate, minLearningRate, warmupSteps, scheduleSteps, beta1, beta2, epsilon,
                weightDecay, gradClip, tiedHead, initStd, logEvery, validEvery, divergenceFactor, weight);
    }
}
