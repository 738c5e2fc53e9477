package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.RandomBatches;
import dev.sublayer.evaluator.Trainer;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.space.RandomArchitectures;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.testing.SlowTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hand-written forward and backward passes against the SameDiff graph (automatic differentiation) in
 * float64 on random architectures (mixture of experts included), against finite differences, and on causality.
 */
@NativeTest
class DirectTransformerTest {

    private static final int VOCAB = 11;

    /**
     * Tolerances: 1e-9 relative on the loss, 1e-7 of the largest entry on each gradient. Wrong formulas are
     * off by far more; what is left is float64 rounding amplified through up to six sublayers without
     * residuals or norms between them.
     */
    @Test
    @SlowTest
    void lossAndGradientsEqualTheSameDiffGraphsOnRandomArchitectures() {
        SplittableRandom rnd = new SplittableRandom(2026);
        int sameDiffNaNs = 0;
        int compared = 0;
        for (int trial = 0; trial < 40; trial++) {
            Architecture arch = RandomArchitectures.TINY.architecture(rnd);
            ModelShape shape = new ModelShape(VOCAB, rnd.nextBoolean());
            Batch batch = batchWithUncountedPositions(rnd, 1 + rnd.nextInt(3), arch.context());
            long seed = rnd.nextLong();
            try (DirectTransformer direct = DirectTransformer.build(arch, shape, DataType.DOUBLE, seed, 0.3);
                 SameDiffStepModel graph = new SameDiffStepModel(
                         TransformerModel.build(arch, shape, DataType.DOUBLE, seed, 0.3))) {
                String what = arch.canonical() + " tied=" + shape.tiedHead();
                assertThat(direct.parameters().keySet()).as(what).containsExactlyElementsOf(graph.parameters().keySet());
                double expected = graph.lossAndGradients(batch);
                Map<String, INDArray> expectedGradients = copy(graph.gradients());
                double actual = direct.lossAndGradients(batch);
                assertThat(actual).as("loss of %s", what).isCloseTo(expected, relative(expected, 1e-9));
                for (Map.Entry<String, INDArray> e : expectedGradients.entrySet()) {
                    INDArray got = direct.gradients().get(e.getKey());
                    double scale = Math.max(1e-8, e.getValue().amaxNumber().doubleValue());
                    assertThat(got.isInfinite().any() || got.isNaN().any()).as("%s in %s finite", e.getKey(), what).isFalse();
                    if (e.getValue().isNaN().any()) {
                        // SameDiff M2.1's swish gradient is NaN for large pre-activations (exp overflow in
                        // swish_bp); finite differences check the direct model there.
                        sameDiffNaNs++;
                        continue;
                    }
                    double diff = got.sub(e.getValue()).amaxNumber().doubleValue();
                    assertThat(diff / scale).as("gradient of %s in %s", e.getKey(), what).isLessThan(1e-7);
                    compared++;
                }
                Trainer.Evaluation a = direct.evaluate(batch);
                Trainer.Evaluation b = graph.evaluate(batch);
                assertThat(a.loss()).as("evaluated loss of %s", what).isCloseTo(expected, relative(expected, 1e-9));
                assertThat(a.correct()).as("correct predictions of %s", what).isEqualTo(b.correct());
                assertThat(a.counted()).isEqualTo(batch.countedPositions());
            }
        }
        assertThat(compared).as("gradients compared (SameDiff NaN: %d)", sameDiffNaNs).isGreaterThan(20 * sameDiffNaNs);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "d8 n4 pre: A2 F6 A2! F5:relu2",
            "d8 n5 post: A4 D6x2:swiglu F4:relu! P2/6:geglu",
            "d8 n5 pre rms: P4/7 A1 D5x3:relu F3:swiglu!"})
    @SlowTest
    void gradientsMatchFiniteDifferences(String notation) {
        Architecture arch = Notation.parse(notation);
        for (boolean tied : new boolean[] {true, false}) {
            SplittableRandom rnd = new SplittableRandom(5);
            Batch batch = batchWithUncountedPositions(rnd, 2, arch.context());
            try (DirectTransformer m = DirectTransformer.build(arch, new ModelShape(VOCAB, tied), DataType.DOUBLE, 3, 0.5)) {
                m.lossAndGradients(batch);
                Map<String, INDArray> gradients = copy(m.gradients());
                for (Map.Entry<String, INDArray> e : m.parameters().entrySet()) {
                    INDArray p = e.getValue();
                    for (int probe = 0; probe < 3; probe++) {
                        long i = rnd.nextLong(p.length());
                        double original = p.getDouble(i);
                        double h = 1e-6;
                        p.putScalar(i, original + h);
                        double up = m.evaluate(batch).loss();
                        p.putScalar(i, original - h);
                        double down = m.evaluate(batch).loss();
                        p.putScalar(i, original);
                        double numeric = (up - down) / (2 * h);
                        double analytic = gradients.get(e.getKey()).getDouble(i);
                        double tolerance = 1e-8 + 1e-5 * Math.max(Math.abs(numeric), Math.abs(analytic));
                        assertThat(Math.abs(numeric - analytic)).as("%s tied=%s %s[%d]: numeric %s analytic %s",
                                notation, tied, e.getKey(), i, numeric, analytic).isLessThan(tolerance);
                    }
                }
            }
        }
    }

    @Test
    void aTokenOutsideTheVocabularyIsRefusedNamingItsPlace() {
        Architecture arch = Notation.parse("d8 n6 pre: A2 F8");
        Batch batch = RandomBatches.uniform(new SplittableRandom(3), 2, arch.context(), VOCAB);
        batch.inputs()[1][4] = VOCAB;
        try (DirectTransformer m = DirectTransformer.build(arch, new ModelShape(VOCAB, true), DataType.FLOAT, 1, 0.5)) {
            assertThatThrownBy(() -> m.lossAndGradients(batch)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token id " + VOCAB + " at batch row 1, position 4 is outside the vocabulary [0, " + VOCAB + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"d8 n6 pre: A2 F8 P4/6", "d8 n6 post: A1 D5x2 A4!"})
    void changingAFutureTokenLeavesTheLossOfEveryEarlierPositionUnchanged(String notation) {
        Architecture arch = Notation.parse(notation);
        SplittableRandom rnd = new SplittableRandom(9);
        Batch batch = RandomBatches.uniform(rnd, 2, arch.context(), VOCAB);
        try (DirectTransformer m = DirectTransformer.build(arch, new ModelShape(VOCAB, true), DataType.DOUBLE, 1, 0.5)) {
            for (int p = 0; p + 1 < arch.context(); p++) {
                Batch upTo = onlyUpTo(batch, p);
                double before = m.evaluate(upTo).loss();
                upTo.inputs()[1][p + 1] = (upTo.inputs()[1][p + 1] + 1) % VOCAB;
                assertThat(m.evaluate(upTo).loss()).as("loss up to position %d", p).isEqualTo(before);
            }
        }
    }

    @Test
    void aBatchOfAnotherSizeGivesWhatAFreshModelGives() {
        Architecture arch = Notation.parse("d8 n5 pre: A2 F6 A4 F3:swiglu");
        SplittableRandom rnd = new SplittableRandom(4);
        Batch small = RandomBatches.uniform(rnd, 2, 5, VOCAB);
        Batch large = RandomBatches.uniform(rnd, 3, 5, VOCAB);
        ModelShape shape = new ModelShape(VOCAB, true);
        try (DirectTransformer used = DirectTransformer.build(arch, shape, DataType.DOUBLE, 8, 0.5);
             DirectTransformer fresh = DirectTransformer.build(arch, shape, DataType.DOUBLE, 8, 0.5)) {
            used.lossAndGradients(small);
            used.evaluate(large);
            assertThat(used.lossAndGradients(small)).isEqualTo(fresh.lossAndGradients(small));
            assertThat(used.evaluate(large)).isEqualTo(fresh.evaluate(large));
        }
    }

    @Test
    void aThreadCountGivesBitIdenticalRunsAndOtherCountsAgreeToRounding() {
        Architecture arch = Notation.parse("d16 n8 pre: A4 F24 P2/12:swiglu D10x2:relu2 M4k2/12:swiglu A1");
        Batch batch = batchWithUncountedPositions(new SplittableRandom(6), 3, arch.context());
        org.nd4j.linalg.api.blas.Blas blas = org.nd4j.linalg.factory.Nd4j.factory().blas();
        int saved = blas.getMaxThreads();
        Map<Integer, Map<String, INDArray>> gradients = new HashMap<>();
        Map<Integer, Double> losses = new HashMap<>();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                blas.setMaxThreads(threads);
                for (int run = 0; run < 2; run++) {
                    try (DirectTransformer m = DirectTransformer.build(arch, new ModelShape(VOCAB, false), DataType.FLOAT, 2, 0.1)) {
                        double loss = m.lossAndGradients(batch);
                        Map<String, INDArray> g = copy(m.gradients());
                        if (run == 1) {
                            assertThat(loss).as("rerun at %d threads", threads).isEqualTo(losses.get(threads));
                            assertThat(g).as("rerun at %d threads", threads).isEqualTo(gradients.get(threads));
                        }
                        losses.put(threads, loss);
                        gradients.put(threads, g);
                    }
                }
            }
        } finally {
            blas.setMaxThreads(saved);
        }
        for (int threads : new int[] {2, 3}) {
            assertThat(losses.get(threads)).isCloseTo(losses.get(1), relative(losses.get(1), 1e-6));
            // against the largest gradient entry of all: some gradients (key biases) are zero up to rounding
            double scale = gradients.get(1).values().stream().mapToDouble(g -> g.amaxNumber().doubleValue()).max().orElseThrow();
            for (Map.Entry<String, INDArray> e : gradients.get(1).entrySet()) {
                double diff = gradients.get(threads).get(e.getKey()).sub(e.getValue()).amaxNumber().doubleValue();
                assertThat(diff / scale).as("%s at %d threads", e.getKey(), threads).isLessThan(1e-5);
            }
        }
    }

    @Test
    void theVectorisedExpIsAccurateWhereItMatters() {
        for (int i = 0; i <= 10_000; i++) {
            double x = -100.0 * i / 10_000;
            double exact = Math.exp(x);
            double tolerance = x >= -30 ? 4e-12 : 2e-8;                  // below e^-30 a term no longer counts
            assertThat(Math.abs(DirectTransformer.expOfNonPositive(x) - exact)).as("exp(%s)", x)
                    .isLessThan(tolerance * exact);
        }
        assertThat(DirectTransformer.expOfNonPositive(0)).isEqualTo(1.0);
        assertThat(DirectTransformer.expOfNonPositive(-1e6)).isLessThan(4e-44);
    }

    /**
     * Sparse dispatch (each token through its top-k experts only) against the graph's dense computation
     * (every expert on every token, gated): loss, every gradient (router, experts, the load-balancing loss's
     * share) and evaluation, in float64. Each direct model first trains on another batch, so an expert that no
     * token of the compared batch chose must not keep its gradient from before.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "d8 n5 pre: A2 M4k2/8",
            "d8 n5 pre: M4k1/6:swiglu A2 M3k3/5:relu2",
            "d8 n4 post: A2 M5k2/7:geglu M2k1/4!",
            "d8 n5 pre rms: M8k2/6:relu F6 M6k4/5"})
    void mixtureOfExpertsDispatchedSparselyEqualsTheDenseGraph(String notation) {
        Architecture arch = Notation.parse(notation);
        SplittableRandom rnd = new SplittableRandom(notation.hashCode());
        for (double auxWeight : new double[] {0.01, 0.7}) {
            for (boolean tied : new boolean[] {true, false}) {
                ModelShape shape = new ModelShape(VOCAB, tied);
                Batch before = batchWithUncountedPositions(rnd, 2, arch.context());
                Batch batch = batchWithUncountedPositions(rnd, 1 + rnd.nextInt(3), arch.context());
                long seed = rnd.nextLong();
                try (DirectTransformer direct = DirectTransformer.build(arch, shape, DataType.DOUBLE, seed, 0.5, auxWeight);
                     SameDiffStepModel graph = new SameDiffStepModel(
                             TransformerModel.build(arch, shape, DataType.DOUBLE, seed, 0.5, auxWeight))) {
                    String what = notation + " tied=" + tied + " aux=" + auxWeight;
                    double expected = graph.lossAndGradients(batch);
                    Map<String, INDArray> expectedGradients = copy(graph.gradients());
                    direct.lossAndGradients(before);
                    double actual = direct.lossAndGradients(batch);
                    assertThat(actual).as("loss of %s", what).isCloseTo(expected, relative(expected, 1e-12));
                    assertThat(direct.gradients().keySet()).containsExactlyInAnyOrderElementsOf(expectedGradients.keySet());
                    // key biases have a zero gradient up to rounding: those count against the largest of all
                    double largest = expectedGradients.values().stream()
                            .mapToDouble(g -> g.amaxNumber().doubleValue()).max().orElseThrow();
                    for (Map.Entry<String, INDArray> e : expectedGradients.entrySet()) {
                        double scale = Math.max(1e-6 * largest, e.getValue().amaxNumber().doubleValue());
                        double diff = direct.gradients().get(e.getKey()).sub(e.getValue()).amaxNumber().doubleValue();
                        assertThat(diff / scale).as("gradient of %s in %s", e.getKey(), what).isLessThan(1e-9);
                    }
                    Trainer.Evaluation a = direct.evaluate(batch);
                    Trainer.Evaluation b = graph.evaluate(batch);
                    assertThat(a.loss()).as("evaluated loss of %s", what).isCloseTo(b.loss(), relative(b.loss(), 1e-12));
                    assertThat(a.correct()).as("correct predictions of %s", what).isEqualTo(b.correct());
                }
            }
        }
    }

    @Test
    void aNegativeLoadBalancingWeightIsRejected() {
        assertThatThrownBy(() -> DirectTransformer.build(Notation.parse("d8 n4 pre: A2 M4k2/8"), ModelShape.bytes(),
                DataType.FLOAT, 1, 0.02, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("moe_aux_weight").hasMessageContaining("-1");
    }

    /** A random batch in which about one position in four does not count. */
    private static Batch batchWithUncountedPositions(SplittableRandom rnd, int size, int context) {
        Batch b = RandomBatches.uniform(rnd, size, context, VOCAB);
        for (float[] row : b.weights()) {
            for (int p = 0; p < row.length; p++) {
                row[p] = rnd.nextInt(4) == 0 ? 0f : 1f;
            }
        }
        b.weights()[0][0] = 1f;
        return b;
    }

    /** A copy of {@code batch} in which only the positions up to {@code last} count. */
    private static Batch onlyUpTo(Batch batch, int last) {
        int[][] in = new int[batch.size()][];
        float[][] w = new float[batch.size()][batch.context()];
        for (int s = 0; s < batch.size(); s++) {
            in[s] = batch.inputs()[s].clone();
            for (int p = 0; p <= last; p++) {
                w[s][p] = 1f;
            }
        }
        return new Batch(in, batch.targets(), w);
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new HashMap<>();
        arrays.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static org.assertj.core.data.Offset<Double> relative(double value, double tolerance) {
        return org.assertj.core.api.Assertions.within(Math.max(1e-15, Math.abs(value) * tolerance));
    }
}
