package dev.sublayer.evaluator;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.Constraints;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link Engine} keeps, run once per engine by a small subclass that names it: trains a real
 * model and measures it as the cost model says, same seed same losses, a checkpoint continues exactly, the
 * first budget cap stops training, constraints reject before building, divergence and bad input end as
 * results instead of exceptions, probes report accuracy, nothing is printed on stdout. What only one engine
 * has (its settings, its natives, its failure modes) stays in its subclass.
 */
@NativeTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EngineContractTest {

    protected static final Architecture TINY = Notation.parse("d16 n16 pre: A2 F32 A2 F32");
    protected static final DataConfig DATA = new DataConfig("europarl", 8, 2, 0);
    protected static final TrainingConfig TRAINING = TrainingConfig.defaults().withSchedule(5, 100)
            .withLearningRate(3e-3, 3e-4).withLogging(4, 0);

    private final String engineName;
    private final int threads;
    private final int determinismSteps;

    /** The engine under test, created once for the class. */
    protected Engine engine;

    /**
     * A contract test of the engine {@link Engines#create} makes from {@code engineName} and {@code threads}.
     *
     * @param determinismSteps how many steps the same-seed test trains: enough for the engine's known sources
     *                         of run-to-run drift to show
     */
    protected EngineContractTest(String engineName, int threads, int determinismSteps) {
        this.engineName = engineName;
        this.threads = threads;
        this.determinismSteps = determinismSteps;
    }

    /**
     * Checks what the engine reports beyond the contract on a completed 30-step run: its backend string and its
     * native-memory measure.
     */
    protected abstract void assertBackendAndNativeMemory(TrialResult completed);

    @BeforeAll
    void start() {
        engine = Engines.create(engineName, threads);
    }

    @AfterAll
    void stop() {
        engine.close();
    }

    protected TrialResult train(TrialRequest r) {
        return engine.train(r, TrialListener.NONE, Optional.empty(), Optional.empty());
    }

    protected static List<Double> trainLosses(TrialResult r) {
        List<Double> out = new ArrayList<>();
        for (CurvePoint p : r.curve()) {
            out.add(p.trainLoss());
        }
        return out;
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
        assertThat(seen).hasSize(30).startsWith(1L, 2L).endsWith(30L);
        assertThat(r.curve()).extracting(CurvePoint::step).containsExactly(4L, 8L, 12L, 16L, 20L, 24L, 28L, 30L);
        assertThat(r.curve().getLast().validLoss()).isEqualTo(m.validLoss());
        assertThat(r.curve().getFirst().trainLoss()).isGreaterThan(r.curve().getLast().trainLoss());
        assertThat(r.provenance().engine()).isEqualTo(engineName);
        assertThat(r.provenance().device()).startsWith("cpu x" + threads);
        assertBackendAndNativeMemory(r);
    }

    @Test
    void sameSeedGivesBitIdenticalLossesAndAnotherSeedDoesNot() {
        TrialRequest request = new TrialRequest(TINY, DATA, TRAINING.withLogging(1, 5), Budget.steps(determinismSteps), 42);
        TrialResult a = train(request);
        TrialResult b = train(request);
        TrialResult c = train(new TrialRequest(TINY, DATA, TRAINING.withLogging(1, 5), Budget.steps(determinismSteps), 43));
        assertThat(trainLosses(a)).hasSize(determinismSteps).isEqualTo(trainLosses(b));
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
        assertThat(r.provenance().engine()).isEqualTo(engineName);
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
