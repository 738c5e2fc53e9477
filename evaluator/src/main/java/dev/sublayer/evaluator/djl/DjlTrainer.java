package dev.sublayer.evaluator.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.sublayer.evaluator.Trainer;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.ModelShape;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The DJL engine's {@link Trainer}: a {@link DjlTransformer} and {@link DjlAdamW}. */
final class DjlTrainer implements Trainer {

    private final Engine engine;
    private final DjlTransformer model;
    private final DjlAdamW optimizer;
    private final Map<String, NDArray> params;

    private DjlTrainer(Engine engine, DjlTransformer model, TrainingConfig config) {
        this.engine = engine;
        this.model = model;
        this.params = model.parameters();
        this.optimizer = new DjlAdamW(config.beta1(), config.beta2(), config.epsilon(), config.weightDecay(),
                config.gradClip(), model.decayedParameterNames(), params, model.manager());
    }

    /** Builds the model of {@code request} in a child of {@code parent}. */
    static DjlTrainer build(Engine engine, NDManager parent, TrialRequest request, ModelShape shape) {
        TrainingConfig config = request.training();
        return new DjlTrainer(engine, DjlTransformer.build(parent, request.architecture(), shape, DataType.FLOAT32,
                request.seed(), config.initStd(), config.moeAuxWeight()), config);
    }

    @Override
    public long parameterCount() {
        return model.parameterCount();
    }

    @Override
    public Step step(Batch batch, double learningRate) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            DjlTransformer.Inputs in = model.inputs(batch);
            DjlTransformer.Output out;
            try (GradientCollector collector = engine.newGradientCollector()) {
                out = model.forward(in);
                collector.backward(out.objective()); // the loss reported is the plain cross-entropy
            }
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                gradients.put(e.getKey(), e.getValue().getGradient());
            }
            double loss = scalar(out.loss());
            double norm = DjlAdamW.globalNorm(gradients);
            if (Double.isFinite(loss) && Double.isFinite(norm)) {
                optimizer.update(params, gradients, norm, learningRate);
            }
            return new Step(loss, norm);
        }
    }

    @Override
    public Evaluation evaluate(Batch batch) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            DjlTransformer.Output out = model.forward(model.inputs(batch));
            long[] predictions = out.logits().argMax(1).toLongArray();
            long correct = 0;
            int context = batch.context();
            for (int s = 0; s < batch.size(); s++) {
                for (int p = 0; p < context; p++) {
                    if (batch.weights()[s][p] != 0 && predictions[s * context + p] == batch.targets()[s][p]) {
                        correct++;
                    }
                }
            }
            return new Evaluation(scalar(out.loss()), correct, batch.countedPositions());
        }
    }

    @Override
    public State state() {
        State.Builder state = new State.Builder();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            state.add(name, e.getValue().getShape().getShape(), floats(e.getValue()),
                    floats(optimizer.firstMoments().get(name)), floats(optimizer.secondMoments().get(name)));
        }
        return state.build();
    }

    @Override
    public void restore(State state, long steps) {
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            long[] saved = state.shapes().get(e.getKey());
            if (saved == null || !Arrays.equals(saved, e.getValue().getShape().getShape())) {
                throw new IllegalArgumentException("no matching parameter " + e.getKey());
            }
            DjlAdamW.assign(e.getValue(), state.weights().get(e.getKey()), e.getKey());
        }
        optimizer.restore(steps, state.first(), state.second());
    }

    @Override
    public void close() {
        model.close();
    }

    private static float[] floats(NDArray a) {
        if (a.getDataType() == DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    private static double scalar(NDArray a) {
        return a.getDataType() == DataType.FLOAT64 ? a.getDouble() : a.getFloat();
    }
}
