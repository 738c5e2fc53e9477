package dev.sublayer.evaluator.djl;

import dev.sublayer.evaluator.TrainingLoop;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Constraints;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The DJL engine against the same contract as the DL4J engine (see Dl4jEngineTest). */
class DjlEngineTest {

    static final Architecture TINY = Notation.parse("d16 n16 pre: A2 F32 A2 F32");
    static final DataConfig DATA = new DataConfig("europarl", 8, 2, 0);
    static final TrainingConfig TRAINING = TrainingConfig.defaults().withSchedule(5, 100).withLearningRate(3e-3, 3e-4)
            .withLogging(4, 0);

    static Engine engine;

    @BeforeAll
    static void start() {
        // One thread: these models are tiny, and on a shared, loaded machine OpenMP's spinning threads cost more
        // than they bring.
        engine = Engines.create("djl", 1);
    }

    @AfterAll
    static void stop() {
        engine.close();
    }

    static TrialResult train(TrialRequest r) {
        return engine.train(r, TrialListener.NONE, Optional.empty(), Optional.empty());
    }

    static List<Double> trainLosses(TrialResult r) {
        List<Double> out = new ArrayList<>();
        for (CurvePoint p : r.curve()) {
            out.add(p.trainLoss());
        }
        return out;
    }

    @Test
    void isSelectableByNameAndRefusesBadSettings() {
        assertThat(Engines.names()).containsExactly("dl4j", "djl");
        assertThat(engine.name()).isEqualTo("djl");
        assertThatThrownBy(() -> Engines.create("torch", 1)).hasMessage("unknown engine 'torch', expected one of dl4j, djl");
        assertThatThrownBy(() -> new DjlEngine(0)).hasMessage("threads must be >= 1, got 0");
        String before = System.getProperty(DjlRuntime.DEVICE_PROPERTY);
        try {
            System.setProperty(DjlRuntime.DEVICE_PROPERTY, "tpu");
            assertThatThrownBy(() -> new DjlEngine(1)).hasMessage("sublayer.djl.device must be cpu, gpu or gpu<N>, got 'tpu'");
            System.setProperty(DjlRuntime.DEVICE_PROPERTY, "gpu3");
            assertThatThrownBy(() -> new DjlEngine(1)).hasMessageStartingWith("sublayer.djl.device is 'gpu3' but PyTorch sees ");
        } finally {
            if (before == null) {
                System.clearProperty(DjlRuntime.DEVICE_PROPERTY);
            } else {
                System.setProperty(DjlRuntime.DEVICE_PROPERTY, before);
            }
        }
    }

    @Test
    void nativesAreUnpackedIntoTheConfiguredCacheFolder() {
        String dir = System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"));
        assertThat(dir).isNotNull();
        assertThat(Path.of(dir).resolve("pytorch")).isDirectory();
        assertThat(DjlRuntime.defaultCacheDir().toString()).endsWith("/sublayer/djl");
        assertThat(System.getProperty("ai.djl.pytorch.num_interop_threads")).isEqualTo("1");
        assertThat(ai.djl.pytorch.jni.JniUtils.getNumThreads()).isEqualTo(1);
    }

    @Test
    void trainsARealModelAndMeasuresIt() {
        List<Long> seen = new ArrayList<>();
        TrialRequest request = new TrialRequest(TINY, DATA, TRAINING, Budget.steps(30), 1);
        TrialResult r = engine.train(request, (step, max, tokens, loss) -> seen.add(step), Optional.empty(), Optional.empty());
        assertThat(r.status()).as(r.failure()).isEqualTo(TrialStatus.COMPLETED);
        var m = r.metrics();
        assertThat(m.steps()).isEqualTo(30);
        assertThat(m.tokens()).isEqualTo(30L * 8 * 16);
        assertThat(m.totalParams()).isEqualTo(CostModel.of(TINY, ModelShape.bytes()).totalParams());
        assertThat(m.nonEmbeddingParams()).isEqualTo(CostModel.of(TINY, ModelShape.bytes()).nonEmbeddingParams());
        assertThat(m.trainingFlops()).isEqualTo(30.0 * 8 * 16 * CostModel.of(TINY, ModelShape.bytes()).trainingFlopsPerToken());
        assertThat(m.validLoss()).isLessThan(Math.log(256) - 0.5); // learned something beyond uniform bytes
        assertThat(m.validBitsPerByte()).isEqualTo(m.validLoss() / Math.log(2));
        assertThat(m.validAccuracy()).isBetween(0.0, 1.0);
        assertThat(m.buildSeconds()).isPositive();
        assertThat(m.trainSeconds()).isPositive();
        assertThat(m.evalSeconds()).isPositive();
        assertThat(m.tokensPerSecond()).isPositive();
        assertThat(m.peakHeapBytes()).isPositive();
        assertThat(m.peakNativeBytes()).isGreaterThanOrEqualTo(0);
        assertThat(seen).hasSize(30).startsWith(1L, 2L).endsWith(30L);
        assertThat(r.curve()).extracting(CurvePoint::step).containsExactly(4L, 8L, 12L, 16L, 20L, 24L, 28L, 30L);
        assertThat(r.curve().getLast().validLoss()).isEqualTo(m.validLoss());
        assertThat(r.curve().getFirst().trainLoss()).isGreaterThan(r.curve().getLast().trainLoss());
        assertThat(r.provenance().engine()).isEqualTo("djl");
        assertThat(r.provenance().device()).startsWith("cpu x1");
        assertThat(r.provenance().backend()).isEqualTo("djl " + ai.djl.engine.Engine.getDjlVersion() + " pytorch "
                + DjlRuntime.pytorch(1).getVersion() + " cpu").startsWith("djl 0.3");
    }

    @Test
    void sameSeedGivesBitIdenticalLossesAndAnotherSeedDoesNot() {
        TrialRequest request = new TrialRequest(TINY, DATA, TRAINING.withLogging(1, 5), Budget.steps(30), 42);
        TrialResult a = train(request);
        TrialResult b = train(request);
        TrialResult c = train(new TrialRequest(TINY, DATA, TRAINING.withLogging(1, 5), Budget.steps(30), 43));
        assertThat(trainLosses(a)).hasSize(30).isEqualTo(trainLosses(b));
        assertThat(a.metrics().validLoss()).isEqualTo(b.metrics().validLoss());
        assertThat(a.curve().get(4).validLoss()).isEqualTo(b.curve().get(4).validLoss()).isFinite();
        assertThat(trainLosses(c)).isNotEqualTo(trainLosses(a));
    }

    @Test
    void continuingFromACheckpointEqualsTrainingStraightThrough(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("trial.ckpt");
        TrialRequest straight = new TrialRequest(TINY, DATA, TRAINING, Budget.steps(18), 7);
        TrialResult full = train(straight);
        TrialResult first = engine.train(straight.withBudget(Budget.steps(6)), TrialListener.NONE, Optional.empty(),
                Optional.of(checkpoint));
        assertThat(first.metrics().steps()).isEqualTo(6);
        assertThat(Files.readAllBytes(checkpoint)).startsWith('S', 'L', 'C', 'K');
        TrialResult rest = engine.train(straight, TrialListener.NONE, Optional.of(checkpoint), Optional.empty());
        assertThat(rest.status()).as(rest.failure()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(rest.metrics().steps()).isEqualTo(18);
        assertThat(rest.metrics().tokens()).isEqualTo(full.metrics().tokens());
        assertThat(rest.metrics().trainingFlops()).isEqualTo(full.metrics().trainingFlops());
        assertThat(trainLosses(rest)).isEqualTo(trainLosses(full));
        assertThat(rest.metrics().validLoss()).isEqualTo(full.metrics().validLoss());
        assertThat(rest.metrics().validAccuracy()).isEqualTo(full.metrics().validAccuracy());

        TrialResult other = engine.train(new TrialRequest(TINY, DATA, TRAINING, Budget.steps(18), 8), TrialListener.NONE,
                Optional.of(checkpoint), Optional.empty());
        assertThat(other.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(other.failure()).contains("belongs to another trial");
    }

    @Test
    void aCheckpointOfTheOtherEngineIsRefused(@TempDir Path dir) {
        Path checkpoint = dir.resolve("dl4j.ckpt");
        TrialRequest request = new TrialRequest(Notation.parse("d8 n8 pre: F16"), DATA, TRAINING, Budget.steps(2), 7);
        try (Engine dl4j = Engines.create("dl4j", 1)) {
            TrialResult r = dl4j.train(request, TrialListener.NONE, Optional.empty(), Optional.of(checkpoint));
            assertThat(r.status()).isEqualTo(TrialStatus.COMPLETED);
        }
        TrialResult resumed = engine.train(request.withBudget(Budget.steps(4)), TrialListener.NONE, Optional.of(checkpoint),
                Optional.empty());
        assertThat(resumed.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(resumed.failure()).contains("belongs to another trial").contains("(this trial: sublayer-trial-key-v2 djl ");
    }

    @Test
    void trainsEverySublayerKindWithItsCostModelParameterCount() {
        Architecture rich = Notation.parse("d16 n8 pre rms: A2 M4k2/16 F16:swiglu D16x2:relu2 P2/16:geglu F16:relu2!");
        TrialResult r = train(new TrialRequest(rich, DATA, TRAINING.withMoeAuxWeight(0.1), Budget.steps(6), 7));
        assertThat(r.status()).as(r.failure()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(r.metrics().totalParams()).isEqualTo(CostModel.of(rich, ModelShape.bytes()).totalParams());
        assertThat(r.metrics().validLoss()).isFinite().isLessThan(Math.log(256) + 0.5);
        assertThat(r.curve()).allSatisfy(p -> assertThat(p.trainLoss()).isFinite());
    }

    @Test
    void theFirstCapReachedStopsTraining() {
        long tokensPerStep = 8 * 16;
        TrialResult byTokens = train(new TrialRequest(TINY, DATA, TRAINING, Budget.tokens(5 * tokensPerStep + 3), 1));
        assertThat(byTokens.metrics().steps()).isEqualTo(5);
        double flopsPerStep = (double) tokensPerStep * CostModel.of(TINY, ModelShape.bytes()).trainingFlopsPerToken();
        TrialResult byFlops = train(new TrialRequest(TINY, DATA, TRAINING,
                Budget.steps(100).withMaxTrainingFlops(3.5 * flopsPerStep), 1));
        assertThat(byFlops.metrics().steps()).isEqualTo(3);
        TrialResult bySteps = train(new TrialRequest(TINY, DATA, TRAINING, Budget.steps(2).withMaxTokens(1_000_000), 1));
        assertThat(bySteps.metrics().steps()).isEqualTo(2);
        TrialResult bySeconds = train(new TrialRequest(TINY, DATA, TRAINING, Budget.seconds(0.5), 1));
        assertThat(bySeconds.status()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(bySeconds.metrics().trainSeconds()).isBetween(0.5, 5.0);
        assertThat(bySeconds.metrics().steps()).isPositive();
    }

    @Test
    void candidatesOutsideTheConstraintsAreRejectedBeforeBuilding() {
        TrialResult r = train(new TrialRequest(TINY, DATA, TRAINING, Budget.steps(5), 1,
                new Constraints(1000, Long.MAX_VALUE, Long.MAX_VALUE)));
        assertThat(r.status()).isEqualTo(TrialStatus.REJECTED);
        assertThat(r.failure()).startsWith("params ").contains("> max_params 1000");
        assertThat(r.metrics().steps()).isZero();
        assertThat(r.provenance().engine()).isEqualTo("djl");
    }

    @Test
    void anExplodingRunEndsDivergedWithinAFewSteps() {
        TrainingConfig wild = new TrainingConfig(50, 50, 0, 100, 0.9, 0.99, 1e-8, 0, 0, true, 0.02, 1, 0, 2.0);
        TrialResult r = train(new TrialRequest(TINY, DATA, wild, Budget.steps(100), 1));
        assertThat(r.status()).isEqualTo(TrialStatus.DIVERGED);
        assertThat(r.metrics().steps()).isLessThan(10);
        assertThat(r.failure()).containsAnyOf("NaN", "Infinity", "above");
    }

    @Test
    void aModelTooLargeForMemoryEndsOutOfMemoryAndTheEngineStaysUsable() {
        // The causal mask alone would be 200,000² float32 = 160 GB: PyTorch's allocator refuses it at once
        // (Linux refuses single allocations beyond RAM + swap under its default overcommit heuristic).
        Architecture huge = Notation.parse("d8 n200000 pre: A1");
        TrialResult r = train(new TrialRequest(huge, DATA.withValidationBatches(1), TRAINING, Budget.steps(2), 1));
        assertThat(r.status()).as(r.failure()).isEqualTo(TrialStatus.OUT_OF_MEMORY);
        assertThat(r.failure()).startsWith("out of memory: ").doesNotContain("\n");
        assertThat(train(new TrialRequest(TINY, DATA, TRAINING, Budget.steps(2), 1)).status()).isEqualTo(TrialStatus.COMPLETED);
    }

    @Test
    void pytorchAllocationFailuresAreRecognisedAsOutOfMemory() {
        assertThat(TrainingLoop.isNativeOutOfMemory(new ai.djl.engine.EngineException(
                "[enforce fail at alloc_cpu.cpp:121] data. DefaultCPUAllocator: not enough memory: you tried to allocate 16 GB")))
                .isTrue();
        assertThat(TrainingLoop.isNativeOutOfMemory(new RuntimeException("wrapped", new ai.djl.engine.EngineException(
                "CUDA out of memory. Tried to allocate 2.00 GiB")))).isTrue();
        assertThat(TrainingLoop.isNativeOutOfMemory(new ai.djl.engine.EngineException("shape mismatch"))).isFalse();
        assertThat(TrainingLoop.message(new ai.djl.engine.EngineException("bad shape\nException raised from foo at bar.cpp\nframe #0")))
                .isEqualTo("EngineException: bad shape");
    }

    @Test
    void badInputEndsFailedWithTheReasonInsteadOfThrowing(@TempDir Path dir) {
        TrialResult missing = train(new TrialRequest(TINY, DATA.withCorpus("file:" + dir.resolve("none.txt")), TRAINING,
                Budget.steps(5), 1));
        assertThat(missing.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(missing.failure()).contains("no such file");
        TrialResult unknown = train(new TrialRequest(TINY, DATA.withCorpus("wikitext"), TRAINING, Budget.steps(5), 1));
        assertThat(unknown.failure()).contains("unknown corpus 'wikitext'");
    }

    @Test
    void probesReportTheirAccuracy() {
        for (String probe : List.of("mqar", "facts:64")) {
            TrialResult r = train(new TrialRequest(TINY, DATA.withCorpus(probe), TRAINING, Budget.steps(8), 1));
            assertThat(r.status()).as(probe + ": " + r.failure()).isEqualTo(TrialStatus.COMPLETED);
            assertThat(r.metrics().validAccuracy()).isBetween(0.0, 1.0);
            assertThat(r.metrics().validLoss()).isFinite();
        }
    }

    @Test
    void trainingPrintsNothingOnStandardOutput() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            TrialResult r = train(new TrialRequest(Notation.parse("d16 n8 post: F16 A4"), DATA, TRAINING, Budget.steps(2), 3));
            assertThat(r.status()).isEqualTo(TrialStatus.COMPLETED);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString()).isEmpty();
    }
}
