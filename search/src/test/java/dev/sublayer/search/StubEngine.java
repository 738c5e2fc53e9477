package dev.sublayer.search;

import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Cost;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.Features;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.Seeds;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic stand-in for a training engine, for tests and benchmarks of the search machinery: the
 * "validation bits per byte" is a cheap surrogate function of the architecture's structure, the seed and the
 * steps trained, so results are exact and reproducible across processes. It honours checkpoints like a real
 * engine (a resumed trial only "trains" the remaining steps, with the same result as training straight through)
 * and can sleep per step to imitate training time.
 *
 * <p>Never used outside tests: it is not a training engine.
 */
public final class StubEngine implements Engine {

    /** How often a trial tells its listener of its steps, at most. */
    public static final int STEP_REPORTS = 5;

    private final double millisPerStep;
    private final Counters counters;

    /** What stubs did, shared by the engines of one executor. */
    public static final class Counters {
        /** Optimizer steps "trained" in total (a resumed trial counts only its new steps). */
        public final AtomicLong steps = new AtomicLong();
        /** Calls per (architecture, budget, seed). */
        public final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
        /** Calls that resumed from a checkpoint. */
        public final AtomicLong resumed = new AtomicLong();
    }

    /** A stub that sleeps {@code millisPerStep} per trained step and counts into {@code counters}. */
    public StubEngine(double millisPerStep, Counters counters) {
        this.millisPerStep = millisPerStep;
        this.counters = counters;
    }

    @Override
    public String name() {
        return "stub";
    }

    @Override
    public TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom,
                             Optional<Path> checkpointTo) {
        Architecture a = request.architecture();
        long steps = request.budget().maxSteps();
        if (steps == Long.MAX_VALUE) {
            throw new IllegalArgumentException("the stub engine needs a max_steps budget");
        }
        counters.calls.computeIfAbsent(a.canonical() + "|" + request.budget() + "|" + request.seed(),
                k -> new AtomicLong()).incrementAndGet();
        long from = 0;
        if (resumeFrom.isPresent()) {
            String[] ck = read(resumeFrom.get()).split("\\|");
            if (!ck[0].equals(a.canonical()) || Long.parseLong(ck[1]) != request.seed()) {
                throw new IllegalStateException("checkpoint " + resumeFrom.get() + " is for another trial");
            }
            from = Long.parseLong(ck[2]);
            if (from > steps) {
                throw new IllegalStateException("checkpoint is ahead of the budget");
            }
            counters.resumed.incrementAndGet();
        }
        long todo = steps - from;
        counters.steps.addAndGet(todo);
        // Trains in up to STEP_REPORTS parts, telling the listener after each, as an engine does after its steps.
        long parts = Math.min(STEP_REPORTS, Math.max(1, todo));
        for (long part = 1; part <= parts; part++) {
            long at = from + todo * part / parts;
            if (millisPerStep > 0) {
                try {
                    Thread.sleep((long) (todo * millisPerStep / parts));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(), "interrupted",
                            Provenances.local(name()));
                }
            }
            if (todo > 0) {
                listener.stepDone(at, steps, at * request.data().batchSize() * request.architecture().context(),
                        bitsPerByte(a, request.seed(), at) * Math.log(2));
            }
        }
        checkpointTo.ifPresent(p -> write(p, a.canonical() + "|" + request.seed() + "|" + steps));
        return result(request, steps);
    }

    /** The result the stub reports for {@code request} after {@code steps} steps. */
    public static TrialResult result(TrialRequest request, long steps) {
        Architecture a = request.architecture();
        double bpb = bitsPerByte(a, request.seed(), steps);
        Cost c = CostModel.of(a, ModelShape.bytes());
        long tokens = steps * request.data().batchSize() * (long) a.context();
        double trainingFlops = (double) c.trainingFlopsPerToken() * tokens;
        TrialMetrics m = new TrialMetrics(bpb * Math.log(2), bpb, Double.NaN, c.totalParams(), c.nonEmbeddingParams(),
                c.forwardFlopsPerToken(), trainingFlops, steps, tokens, 0.01, steps * 1e-3, 0.01, tokens / (steps * 1e-3),
                1 << 20, 1 << 20);
        return new TrialResult(TrialStatus.COMPLETED, m, List.of(new CurvePoint(steps, tokens, steps * 1e-3,
                bpb * Math.log(2), bpb * Math.log(2))), "", Provenances.local("stub"));
    }

    /**
     * The surrogate: a floor set by capacity and structure (some attention is essential, attention low in the
     * stack helps, two thirds of the parameters in FFNs is best, missing residuals hurt), approached
     * exponentially with steps from 8 bits/byte, plus a small seed- and architecture-dependent wobble.
     */
    public static double bitsPerByte(Architecture a, long seed, long steps) {
        Features f = Features.of(a);
        double params = CostModel.of(a, ModelShape.bytes()).nonEmbeddingParams();
        double capacity = Math.log(1 + params / 1e4) / Math.log(2);
        double floor = 1.5 + 2.4 / (1 + 0.4 * capacity);
        floor += f.attentionCount() == 0 ? 1.2 : 0.25 * f.attentionCentreOfMass();
        floor += 0.6 * Math.abs(f.ffnParamShare() - 0.66);
        floor += 0.08 * Math.pow(a.depth() - f.residualCount(), 1.5);
        floor += 0.05 * Math.max(0, f.longestFfnRun() - 2);
        long h = Seeds.mix(a.canonical().hashCode(), seed);
        double wobble = ((h >>> 11) * 0x1.0p-53 - 0.5) * 0.04;
        return floor + wobble + (8 - floor) * Math.exp(-steps / 60.0);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path p, String s) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, s, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
    }

    /** Parses a canonical architecture (for tests). */
    static Architecture arch(String canonical) {
        return Notation.parse(canonical);
    }
}
