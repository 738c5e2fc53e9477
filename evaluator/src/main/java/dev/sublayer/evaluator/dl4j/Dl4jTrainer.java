package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.Trainer;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.ModelShape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The DL4J engine's {@link Trainer}: a {@link StepModel} and Sublayer's {@link AdamW}, flat where the model
 * keeps its parameters flat.
 */
final class Dl4jTrainer implements Trainer {

    private final StepModel model;
    private final AdamW optimizer;
    private final Optional<FlatParameters> flat;
    private final Map<String, INDArray> params;
    private final FusedKernels kernels;

    private Dl4jTrainer(StepModel model, TrainingConfig config, FusedKernels kernels) {
        this.model = model;
        this.optimizer = new AdamW(config.beta1(), config.beta2(), config.epsilon(), config.weightDecay(),
                config.gradClip(), model.decayedParameterNames());
        this.flat = model.flat();
        flat.ifPresent(f -> optimizer.useFlat(f, kernels));
        this.params = model.parameters();
        this.kernels = kernels;
    }

    /**
     * The direct model of the request's architecture, split over {@code threads} threads, and the optimizer of its
     * training config.
     */
    static Dl4jTrainer build(TrialRequest request, ModelShape shape, int threads) {
        TrainingConfig config = request.training();
        DirectTransformer model = DirectTransformer.build(request.architecture(), shape, DataType.FLOAT, request.seed(),
                config.initStd(), config.moeAuxWeight(), threads);
        return new Dl4jTrainer(model, config, model.kernels());
    }

    @Override
    public long parameterCount() {
        return model.parameterCount();
    }

    @Override
    public Step step(Batch batch, double learningRate) {
        double loss = model.lossAndGradients(batch);
        Map<String, INDArray> gradients = model.gradients();
        double norm = flat.isPresent() ? kernels.norm2(flat.get().gradients()) : AdamW.globalNorm(gradients);
        if (Double.isFinite(loss) && Double.isFinite(norm)) {
            if (flat.isPresent()) {
                optimizer.updateFlat(flat.get(), norm, learningRate);
            } else {
                optimizer.update(params, gradients, norm, learningRate);
            }
        }
        return new Step(loss, norm);
    }

    @Override
    public Evaluation evaluate(Batch batch) {
        return model.evaluate(batch);
    }

    @Override
    public State state() {
        State.Builder state = new State.Builder();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray p = e.getValue();
            state.add(e.getKey(), p.shape(), floats(p), moment(optimizer.firstMoments().get(e.getKey()), p.length()),
                    moment(optimizer.secondMoments().get(e.getKey()), p.length()));
        }
        return state.build();
    }

    @Override
    public void restore(State state, long steps) {
        Map<String, INDArray> first = new LinkedHashMap<>();
        Map<String, INDArray> second = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            long[] shape = state.shapes().get(name);
            if (shape == null || !Arrays.equals(shape, e.getValue().shape())) {
                throw new IllegalArgumentException("no matching parameter " + name);
            }
            try (INDArray saved = Nd4j.create(state.weights().get(name), shape, 'c')) {
                e.getValue().assign(saved);
            }
            first.put(name, Nd4j.create(state.first().get(name), shape, 'c'));
            second.put(name, Nd4j.create(state.second().get(name), shape, 'c'));
        }
        optimizer.restore(steps, first, second);
    }

    @Override
    public void close() {
        optimizer.release();
        model.close();
    }

    private static float[] floats(INDArray a) {
        try (INDArray copy = a.dup('c')) {
            return copy.data().asFloat();
        }
    }

    /** A moment's values; zeros before the first update (the per-parameter optimizer creates them then). */
    private static float[] moment(INDArray m, long length) {
        return m == null ? new float[Math.toIntExact(length)] : floats(m);
    }
}
