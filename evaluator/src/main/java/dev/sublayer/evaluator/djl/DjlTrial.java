package dev.sublayer.evaluator.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.evaluator.data.Task;
import dev.sublayer.evaluator.data.Tasks;
import dev.sublayer.space.Cost;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One training run of the DJL engine, from building the model to the final evaluation; the same loop, caps,
 * curve, divergence rule and metrics as the DL4J engine's trial. Not reusable: {@link DjlEngine} makes one
 * per trial and always calls {@link #release()}.
 *
 * <p>Every step runs inside an {@link NDScope}, which frees the step's activations, autograd graph and
 * gradient handles when it closes; parameters, moments and the causal mask live in the model's manager.
 */
final class DjlTrial {

    /** Consecutive exploded steps that make a divergence. */
    private static final int EXPLOSION_PATIENCE = 3;

    private final TrialRequest request;
    private final TrainingConfig config;
    private final TrialListener listener;
    private final Provenance provenance;
    private final Engine engine;
    private final NDManager parent;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    private DjlTransformer model;
    private DjlAdamW optimizer;
    private Cost cost;

    private long steps;
    private long tokens;
    private double trainingFlops;
    private double trainSeconds;
    private double buildSeconds;
    private double evalSeconds;
    private double pendingLoss;
    private long pendingSteps;
    private final List<CurvePoint> curve = new ArrayList<>();
    private long peakHeap = -1;
    private long peakNative = -1;
    private long tokensThisRun;
    private double secondsThisRun;

    DjlTrial(TrialRequest request, TrialListener listener, Provenance provenance, Engine engine, NDManager parent) {
        this.request = request;
        this.config = request.training();
        this.listener = listener;
        this.provenance = provenance;
        this.engine = engine;
        this.parent = parent;
    }

    /** What identifies the run for checkpoints: the engine and everything except the budget. */
    private String fingerprint() {
        return DjlEngine.NAME + " | " + request.architecture().canonical() + " | " + request.data() + " | " + config
                + " | seed=" + request.seed();
    }

    TrialResult run(Optional<Path> resumeFrom, Optional<Path> checkpointTo) throws IOException {
        Task task = Tasks.of(request.data());
        int batchSize = request.data().batchSize();
        int context = request.architecture().context();
        List<Batch> validation = task.validationBatches(batchSize, context, request.data().validationBatches(),
                request.data().dataSeed());
        ModelShape shape = config.shape(task.vocabSize());
        cost = CostModel.of(request.architecture(), shape);

        long buildStart = System.nanoTime();
        model = DjlTransformer.build(parent, request.architecture(), shape, DataType.FLOAT32, request.seed(),
                config.initStd());
        Map<String, NDArray> params = model.parameters();
        optimizer = new DjlAdamW(config.beta1(), config.beta2(), config.epsilon(), config.weightDecay(),
                config.gradClip(), model.decayedParameterNames(), params, model.manager());
        if (resumeFrom.isPresent()) {
            restore(DjlCheckpoint.read(resumeFrom.get()), resumeFrom.get());
        }
        buildSeconds = seconds(buildStart);
        sampleMemory();

        Budget budget = request.budget();
        long tokensPerStep = (long) batchSize * context;
        double flopsPerStep = (double) cost.trainingFlopsPerToken() * tokensPerStep;
        long stepLimit = budget.stepLimit(tokensPerStep, flopsPerStep);
        double explosion = config.divergenceFactor() * Math.log(task.vocabSize());
        int exploded = 0;

        while (steps < stepLimit && trainSeconds < budget.maxSeconds()) {
            long stepStart = System.nanoTime();
            double loss;
            double norm;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                DjlTransformer.Inputs in = model.inputs(task.trainBatch(request.seed(), steps, batchSize, context));
                NDArray lossArray;
                try (GradientCollector collector = engine.newGradientCollector()) {
                    lossArray = model.loss(in);
                    collector.backward(lossArray);
                }
                Map<String, NDArray> gradients = new LinkedHashMap<>();
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    gradients.put(e.getKey(), e.getValue().getGradient());
                }
                loss = scalar(lossArray);
                norm = DjlAdamW.globalNorm(gradients);
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    return diverged("loss " + loss + ", gradient norm " + norm + " at step " + (steps + 1));
                }
                exploded = loss > explosion ? exploded + 1 : 0;
                if (exploded >= EXPLOSION_PATIENCE) {
                    return diverged(String.format("loss %.4g above %.4g (%.1f × ln %d) for %d steps at step %d", loss,
                            explosion, config.divergenceFactor(), task.vocabSize(), EXPLOSION_PATIENCE, steps + 1));
                }
                optimizer.update(params, gradients, norm, config.learningRate(steps));
            }

            steps++;
            tokens += tokensPerStep;
            tokensThisRun += tokensPerStep;
            trainingFlops += flopsPerStep;
            double dt = seconds(stepStart);
            trainSeconds += dt;
            secondsThisRun += dt;
            pendingLoss += loss;
            pendingSteps++;
            sampleMemory();
            listener.stepDone(steps, stepLimit, tokens, loss);
            if (steps % config.logEvery() == 0) {
                double valid = config.validEvery() > 0 && steps % config.validEvery() == 0
                        ? evaluate(validation)[0] : Double.NaN;
                curve.add(new CurvePoint(steps, tokens, trainSeconds, pendingLoss / pendingSteps, valid));
                pendingLoss = 0;
                pendingSteps = 0;
            }
        }

        double[] eval = evaluate(validation);
        if (checkpointTo.isPresent()) {
            DjlCheckpoint.of(fingerprint(), steps, tokens, trainSeconds, trainingFlops, pendingLoss, pendingSteps, curve,
                    params, optimizer.firstMoments(), optimizer.secondMoments()).write(checkpointTo.get());
        }
        List<CurvePoint> finalCurve = new ArrayList<>(curve);
        if (!finalCurve.isEmpty() && finalCurve.getLast().step() == steps) {
            CurvePoint last = finalCurve.removeLast();
            finalCurve.add(new CurvePoint(last.step(), last.tokens(), last.seconds(), last.trainLoss(), eval[0]));
        } else {
            finalCurve.add(new CurvePoint(steps, tokens, trainSeconds,
                    pendingSteps > 0 ? pendingLoss / pendingSteps : Double.NaN, eval[0]));
        }
        return new TrialResult(TrialStatus.COMPLETED, metrics(eval[0], eval[1]), finalCurve, "", provenance);
    }

    private void restore(DjlCheckpoint c, Path path) {
        if (!c.fingerprint().equals(fingerprint())) {
            throw new IllegalArgumentException("checkpoint " + path + " belongs to another trial: "
                    + c.fingerprint() + " (this trial: " + fingerprint() + ")");
        }
        for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
            long[] saved = c.shapes().get(e.getKey());
            if (saved == null || !Arrays.equals(saved, e.getValue().getShape().getShape())) {
                throw new IllegalArgumentException("checkpoint " + path + " has no matching parameter " + e.getKey());
            }
            DjlAdamW.assign(e.getValue(), c.weights().get(e.getKey()), e.getKey());
        }
        optimizer.restore(c.steps(), c.first(), c.second());
        steps = c.steps();
        tokens = c.tokens();
        trainSeconds = c.trainSeconds();
        trainingFlops = c.trainingFlops();
        pendingLoss = c.pendingLoss();
        pendingSteps = c.pendingSteps();
        curve.addAll(c.curve());
    }

    /** Validation loss (nats per counted position) and accuracy over the fixed batches. */
    private double[] evaluate(List<Batch> validation) {
        long start = System.nanoTime();
        double lossSum = 0;
        long counted = 0;
        long correct = 0;
        for (Batch batch : validation) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                DjlTransformer.Output out = model.forward(model.inputs(batch));
                int n = batch.countedPositions();
                lossSum += scalar(out.loss()) * n;
                counted += n;
                long[] predictions = out.logits().argMax(1).toLongArray();
                int context = batch.context();
                for (int s = 0; s < batch.size(); s++) {
                    for (int p = 0; p < context; p++) {
                        if (batch.weights()[s][p] != 0 && predictions[s * context + p] == batch.targets()[s][p]) {
                            correct++;
                        }
                    }
                }
            }
        }
        evalSeconds += seconds(start);
        sampleMemory();
        return new double[] {counted == 0 ? Double.NaN : lossSum / counted, counted == 0 ? Double.NaN : (double) correct / counted};
    }

    private TrialResult diverged(String why) {
        List<CurvePoint> finalCurve = new ArrayList<>(curve);
        if (pendingSteps > 0) {
            finalCurve.add(new CurvePoint(steps, tokens, trainSeconds, pendingLoss / pendingSteps, Double.NaN));
        }
        return new TrialResult(TrialStatus.DIVERGED, metrics(Double.NaN, Double.NaN), finalCurve, why, provenance);
    }

    /** The result of a trial that ended in an exception, with whatever was measured before. */
    TrialResult failed(TrialStatus status, String why) {
        TrialMetrics metrics = cost == null ? TrialMetrics.none() : metrics(Double.NaN, Double.NaN);
        return new TrialResult(status, metrics, curve, why, provenance);
    }

    private TrialMetrics metrics(double validLoss, double accuracy) {
        return new TrialMetrics(validLoss, validLoss / Math.log(2), accuracy, model == null ? cost.totalParams()
                : model.parameterCount(), cost.nonEmbeddingParams(), cost.forwardFlopsPerToken(), trainingFlops, steps,
                tokens, buildSeconds, trainSeconds, evalSeconds,
                secondsThisRun > 0 ? tokensThisRun / secondsThisRun : Double.NaN, peakHeap, peakNative);
    }

    /** Peak Java heap in use, and peak resident memory outside the committed heap. */
    private void sampleMemory() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        peakHeap = Math.max(peakHeap, heap.getUsed());
        long rss = ResidentMemory.bytes();
        if (rss > 0) { // as the DL4J engine: resident memory beyond the committed heap (0 while the heap is larger)
            peakNative = Math.max(peakNative, Math.max(0, rss - heap.getCommitted()));
        }
    }

    /** Frees the model's native memory (weights, moments, constants) now. */
    void release() {
        if (model != null) {
            model.close();
        }
        model = null;
        optimizer = null;
    }

    private static double scalar(NDArray a) {
        return a.getDataType() == DataType.FLOAT64 ? a.getDouble() : a.getFloat();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
