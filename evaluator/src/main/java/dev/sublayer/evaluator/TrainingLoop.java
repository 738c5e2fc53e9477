package dev.sublayer.evaluator;

import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.evaluator.data.Task;
import dev.sublayer.evaluator.data.Tasks;
import dev.sublayer.io.IoFailures;
import dev.sublayer.space.Cost;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * One training run, the same for every engine: the data, the budget caps, divergence, the learning curve,
 * checkpoints, the final evaluation and the metrics, around an engine's {@link Trainer}. Every outcome is a
 * {@link TrialResult}: {@link #train} never throws.
 *
 * <p>Not reusable: one per trial.
 */
public final class TrainingLoop {

    private static final Logger LOG = LogManager.getLogger(TrainingLoop.class);

    /** Consecutive exploded steps that make a divergence. */
    private static final int EXPLOSION_PATIENCE = 3;

    private final TrialRequest request;
    private final TrainingConfig config;
    private final TrialListener listener;
    private final Provenance provenance;
    private final String engine;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    private Trainer trainer;
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

    private TrainingLoop(TrialRequest request, TrialListener listener, Provenance provenance, String engine) {
        this.request = request;
        this.config = request.training();
        this.listener = listener;
        this.provenance = provenance;
        this.engine = engine;
    }

    /**
     * Trains {@code request} with the trainer {@code build} makes for the model shape: rejects it first when
     * it breaks its constraints or its estimated memory exceeds this process's ({@link TrainingMemory}), and
     * turns every exception into a FAILED or OUT_OF_MEMORY result (a FAILED one with
     * {@link dev.sublayer.trial.FailureCause#INFRASTRUCTURE} when the file system refused a write: no space left
     * on device, naming the file).
     *
     * @param provenance    stamped on the result
     * @param engine        the engine's name, part of its checkpoints' fingerprint
     * @param resumeFrom    a checkpoint of the same trial to continue from
     * @param checkpointTo  where to write a checkpoint when the budget is reached
     */
    public static TrialResult train(TrialRequest request, TrialListener listener, Provenance provenance,
                                    String engine, Function<ModelShape, Trainer> build,
                                    Optional<Path> resumeFrom, Optional<Path> checkpointTo) {
        ModelShape shape = request.training().shape(256);
        List<String> violations = new ArrayList<>(request.constraints().violations(request.architecture(), shape,
                request.data().batchSize()));
        TrainingMemory.excess(request, shape).ifPresent(violations::add);
        if (!violations.isEmpty()) {
            return new TrialResult(TrialStatus.REJECTED, TrialMetrics.none(), List.of(),
                    String.join("; ", violations), provenance);
        }
        TrainingLoop loop = new TrainingLoop(request, listener, provenance, engine);
        try {
            return loop.run(build, resumeFrom, checkpointTo);
        } catch (OutOfMemoryError e) {
            return loop.failed(TrialStatus.OUT_OF_MEMORY, "out of memory: " + e.getMessage());
        } catch (Throwable e) {
            if (byInfrastructure(e)) {
                // A full disk (or a checkpoint directory that refuses writes) says nothing about the candidate.
                String why = IoFailures.describe(e, null);
                LOG.warn("trial {} cut off: {}", request.architecture().canonical(), why);
                return TrialResult.infrastructureFailure(why, provenance);
            }
            if (isNativeOutOfMemory(e)) {
                return loop.failed(TrialStatus.OUT_OF_MEMORY, "out of memory: " + message(e));
            }
            if (e instanceof IllegalArgumentException) { // bad input: the message says it all
                LOG.warn("trial {} failed: {}", request.architecture().canonical(), message(e));
            } else {
                LOG.warn("trial {} failed: {}", request.architecture().canonical(), message(e), e);
            }
            return loop.failed(TrialStatus.FAILED, message(e));
        } finally {
            loop.release();
        }
    }

    /** What identifies the run for checkpoints: the engine and the request without its budget. */
    private String fingerprint() {
        return TrialIdentity.checkpointFingerprint(engine, request);
    }

    private TrialResult run(Function<ModelShape, Trainer> build, Optional<Path> resumeFrom,
                            Optional<Path> checkpointTo) throws IOException {
        Task task = Tasks.of(request.data());
        int batchSize = request.data().batchSize();
        int context = request.architecture().context();
        List<Batch> validation = task.validationBatches(batchSize, context, request.data().validationBatches(),
                request.data().dataSeed());
        ModelShape shape = config.shape(task.vocabSize());
        cost = CostModel.of(request.architecture(), shape);

        long buildStart = System.nanoTime();
        trainer = build.apply(shape);
        if (resumeFrom.isPresent()) {
            restore(TrialCheckpoint.read(resumeFrom.get()), resumeFrom.get());
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
            Trainer.Step step = trainer.step(task.trainBatch(request.seed(), steps, batchSize, context),
                    config.learningRate(steps));
            double loss = step.loss();
            if (!Double.isFinite(loss) || !Double.isFinite(step.gradientNorm())) {
                return diverged("loss " + loss + ", gradient norm " + step.gradientNorm() + " at step " + (steps + 1));
            }
            exploded = loss > explosion ? exploded + 1 : 0;
            if (exploded >= EXPLOSION_PATIENCE) {
                return diverged(String.format(Locale.ROOT, "loss %.4g above %.4g (%.1f × ln %d) for %d steps at step %d",
                        loss, explosion, config.divergenceFactor(), task.vocabSize(), EXPLOSION_PATIENCE, steps + 1));
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
            new TrialCheckpoint(fingerprint(), steps, tokens, trainSeconds, trainingFlops, pendingLoss, pendingSteps,
                    curve, trainer.state()).write(checkpointTo.get());
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

    private void restore(TrialCheckpoint c, Path path) {
        if (!c.fingerprint().equals(fingerprint())) {
            throw new IllegalArgumentException("checkpoint " + path + " belongs to another trial: "
                    + c.fingerprint() + " (this trial: " + fingerprint() + ")");
        }
        try {
            trainer.restore(c.state(), c.steps());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint " + path + " has " + e.getMessage(), e);
        }
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
            Trainer.Evaluation e = trainer.evaluate(batch);
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
    private TrialResult failed(TrialStatus status, String why) {
        TrialMetrics metrics = cost == null ? TrialMetrics.none() : metrics(Double.NaN, Double.NaN);
        return new TrialResult(status, metrics, curve, why, provenance);
    }

    private TrialMetrics metrics(double validLoss, double accuracy) {
        return new TrialMetrics(validLoss, validLoss / Math.log(2), accuracy, trainer == null ? cost.totalParams()
                : trainer.parameterCount(), cost.nonEmbeddingParams(), cost.forwardFlopsPerToken(), trainingFlops, steps,
                tokens, buildSeconds, trainSeconds, evalSeconds,
                secondsThisRun > 0 ? tokensThisRun / secondsThisRun : Double.NaN, peakHeap, peakNative);
    }

    /** Peak Java heap in use, and peak resident memory beyond the committed heap (0 while the heap is larger). */
    private void sampleMemory() {
        MemoryUsage heap = memory.getHeapMemoryUsage();
        peakHeap = Math.max(peakHeap, heap.getUsed());
        long rss = ResidentMemory.bytes();
        if (rss > 0) {
            peakNative = Math.max(peakNative, Math.max(0, rss - heap.getCommitted()));
        }
    }

    /** Frees the model's native memory now. */
    private void release() {
        if (trainer != null) {
            trainer.close();
        }
    }

    /**
     * Whether {@code e} is a refusal of the file system that a trial's candidate has no part in: no space left on
     * device, a quota spent, a directory that refuses writes (a missing file is not: it can be the candidate's
     * checkpoint that was never written).
     */
    static boolean byInfrastructure(Throwable e) {
        return IoFailures.byEnvironment(e);
    }

    /**
     * Failed native allocations: ND4J reports them as runtime exceptions, PyTorch (through DJL) as
     * {@code EngineException} with its own message ("DefaultCPUAllocator: not enough memory", "CUDA out of
     * memory. Tried to allocate …"), neither as {@link OutOfMemoryError}.
     */
    public static boolean isNativeOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("out of memory") || m.contains("outofmemory") || m.contains("not enough memory")
                    || m.contains("can't allocate memory") || m.contains("cannot allocate")
                    || m.contains("failed to allocate") || m.contains("physical memory usage is too high")) {
                return true;
            }
        }
        return false;
    }

    /** One line: the exception's class and message (PyTorch's messages carry a C++ stack trace after it). */
    public static String message(Throwable e) {
        String m = e.getMessage();
        String text = e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.strip());
        int cut = text.indexOf("\nException raised from");
        if (cut > 0) {
            text = text.substring(0, cut);
        }
        return text.replace('\n', ' ');
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
