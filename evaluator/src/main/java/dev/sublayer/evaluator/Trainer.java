package dev.sublayer.evaluator;

import dev.sublayer.evaluator.data.Batch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One engine's model and optimizer as the shared {@link TrainingLoop} drives them: a training step, an
 * evaluation, and the state a checkpoint keeps. Made per trial by the engine and closed after it.
 */
public interface Trainer extends AutoCloseable {

    /** The number of trainable scalars of the built model. */
    long parameterCount();

    /**
     * One training step: forward and backward pass on {@code batch}, then the AdamW update at
     * {@code learningRate} if the loss and the gradient norm are finite.
     */
    Step step(Batch batch, double learningRate);

    /** Forward pass only: the loss and arg-max accuracy over the positions of {@code batch} that count. */
    Evaluation evaluate(Batch batch);

    /** A copy of the weights and optimizer moments. */
    State state();

    /**
     * Sets the weights and optimizer moments, and the optimizer's step count.
     *
     * @throws IllegalArgumentException naming a parameter the state lacks or has in another shape
     */
    void restore(State state, long steps);

    /** Frees the native memory now rather than whenever the garbage collector gets to it. */
    @Override
    void close();

    /**
     * What one training step measured.
     *
     * @param loss         mean cross-entropy (nats) over the counted positions
     * @param gradientNorm global L2 norm of the gradients, before clipping
     */
    record Step(double loss, double gradientNorm) {
    }

    /**
     * The outcome of one evaluated batch.
     *
     * @param loss    mean cross-entropy in nats over the counted positions
     * @param correct counted positions whose arg-max prediction is the target
     * @param counted positions that count
     */
    record Evaluation(double loss, long correct, long counted) {
    }

    /**
     * Weights and AdamW moments as float32 values, row-major, by parameter name in layout order.
     *
     * @param shapes  parameter shapes
     * @param weights parameter values
     * @param first   first moments
     * @param second  second moments
     */
    record State(Map<String, long[]> shapes, Map<String, float[]> weights, Map<String, float[]> first,
                 Map<String, float[]> second) {

        /** Collects a state one parameter at a time, in order. */
        public static final class Builder {
            private final Map<String, long[]> shapes = new LinkedHashMap<>();
            private final Map<String, float[]> weights = new LinkedHashMap<>();
            private final Map<String, float[]> first = new LinkedHashMap<>();
            private final Map<String, float[]> second = new LinkedHashMap<>();

            /** Adds parameter {@code name}: its shape, values and moments. */
            public Builder add(String name, long[] shape, float[] values, float[] firstMoment, float[] secondMoment) {
                shapes.put(name, shape);
                weights.put(name, values);
                first.put(name, firstMoment);
                second.put(name, secondMoment);
                return this;
            }

            /** The state collected so far. */
            public State build() {
                return new State(shapes, weights, first, second);
            }
        }
    }
}
