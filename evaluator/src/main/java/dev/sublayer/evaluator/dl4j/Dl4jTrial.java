package dev.sublayer.evaluator.dl4j;

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
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One training run of the DL4J engine, from building the model to the final evaluation. Not reusable:
 * {@link Dl4jEngine} makes one per trial and always calls {@link #release()}.
 */
final class Dl4jTrial {

    /** Consecutive exploded steps that make a divergence. */
    private static final int EXPLOSION_PATIENCE = 3;

    /** System property that makes the engine train every model through SameDiff. */
    static final String SAMEDIFF_PROPERTY = "sublayer.dl4j.samediff";

    private final TrialRequest request;
    private final TrainingConfig config;
    private final TrialListener listener;
    private final Provenance provenance;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    private StepModel model;
    private AdamW optimizer;
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

    Dl4jTrial(TrialRequest request, TrialListener listener, Provenance provenance) {
        this.request = request;
        this.config = request.training();
        this.listener = listener;
        this.provenance = provenance;
    }

    /** What identifies the run for checkpoints: everything except the budget. */
    private String fingerprint() {
        return request.architecture().canonical() + " | " + request.data() + " | " + config + " | seed=" + request.seed();
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
        model = buildModel(shape);
        optimizer = new AdamW(config.beta1(), config.beta2(), config.epsilon(), config.weightDecay(), config.gradClip(),
                model.decayedParameterNames());
        Optional<FlatParameters> flat = model.flat();
        flat.ifPresent(optimizer::useFlat);
        if (resumeFrom.isPresent()) {
            restore(Checkpoint.read(resumeFrom.get()), resumeFrom.get());
        }
        buildSeconds = seconds(buildStart);
        sampleMemory();

        Budget budget = request.budget();
        long tokensPerStep = (long) batchSize * context;
        double flopsPerStep = (double) cost.trainingFlopsPerToken() * tokensPerStep;
        long stepLimit = budget.stepLimit(tokensPerStep, flopsPerStep);
        double explosion = config.divergenceFactor() * Math.log(task.vocabSize());
        int exploded = 0;
        Map<String, INDArray> params = model.parameters();

        while (steps < stepLimit && trainSeconds < budget.maxSeconds()) {
            long stepStart = System.nanoTime();
            double loss = model.lossAndGradients(task.trainBatch(request.seed(), steps, batchSize, context));
            Map<String, INDArray> gradients = model.gradients();
            double norm = flat.isPresent() ? flat.get().gradients().norm2Number().doubleValue() : AdamW.globalNorm(gradients);
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                return diverged("loss " + loss + ", gradient norm " + norm + " at step " + (steps + 1));
            }
            exploded = loss > explosion ? exploded + 1 : 0;
            if (exploded >= EXPLOSION_PATIENCE) {
                return diverged(String.format("loss %.4g above %.4g (%.1f × ln %d) for %d steps at step %d", loss,
                        explosion, config.divergenceFactor(), task.vocabSize(), EXPLOSION_PATIENCE, steps + 1));
            }
            if (flat.isPresent()) {
                optimizer.updateFlat(flat.get(), params, norm, config.learningRate(steps));
            } else {
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
            new Checkpoint(fingerprint(), steps, tokens, trainSeconds, trainingFlops, pendingLoss, pendingSteps,
                    List.copyOf(curve), params, optimizer.firstMoments(), optimizer.secondMoments())
                    .write(checkpointTo.get());
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

    /**
     * The direct model where it builds the architecture (every kind but MoE, on the CPU backend), else the
     * SameDiff graph; {@code -Dsublayer.dl4j.samediff=true} forces the graph (benchmarks, cross-checks).
     */
    private StepModel buildModel(ModelShape shape) {
        if (DirectTransformer.supports(request.architecture()) && !Boolean.getBoolean(SAMEDIFF_PROPERTY)) {
            return DirectTransformer.build(request.architecture(), shape, DataType.FLOAT, request.seed(), config.initStd());
        }
        return new SameDiffStepModel(TransformerModel.build(request.architecture(), shape, DataType.FLOAT,
                request.seed(), config.initStd(), config.moeAuxWeight()));
    }

    private void restore(Checkpoint c, Path path) {
        if (!c.fingerprint().equals(fingerprint())) {
            throw new IllegalArgumentException("checkpoint " + path + " belongs to another trial: "
                    + c.fingerprint() + " (this trial: " + fingerprint() + ")");
        }
        for (Map.Entry<String, INDArray> e : model.parameters().entrySet()) {
            INDArray saved = c.weights().get(e.getKey());
            if (saved == null || !java.util.Arrays.equals(saved.shape(), e.getValue().shape())) {
                throw new IllegalArgumentException("checkpoint " + path + " has no matching parameter " + e.getKey());
            }
            e.getValue().assign(saved);
            saved.close();
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
            StepModel.Evaluation e = model.evaluate(batch);
            lossSum += e.loss() * e.counted();
            counted += e.counted();
            correct += e.correct();
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
        peakNative = Math.max(peakNative, Pointer.physicalBytes() - heap.getCommitted());
    }

    /** Frees the model's native memory now rather than whenever the garbage collector gets to it. */
    void release() {
        if (optimizer != null) {
            optimizer.release();
        }
        if (model != null) {
            model.close();
        }
        model = null;
        optimizer = null;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
