package dev.sublayer.evaluator.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.sublayer.evaluator.ParameterLayout;
import dev.sublayer.evaluator.RandomBatches;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.space.RandomArchitectures;
import dev.sublayer.testing.NativeTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

@NativeTest
class DjlTransformerTest {

    static Engine pytorch;
    static NDManager manager;

    @BeforeAll
    static void start() {
        pytorch = DjlRuntime.pytorch(1);
        manager = pytorch.newBaseManager(ai.djl.Device.cpu());
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void parameterCountEqualsTheCostModelAndInitialWeightsComeFromTheLayout() {
        SplittableRandom rnd = new SplittableRandom(2024);
        java.util.Set<dev.sublayer.space.Sublayer.Kind> kinds = java.util.EnumSet.noneOf(dev.sublayer.space.Sublayer.Kind.class);
        for (int i = 0; i < 40; i++) {
            Architecture a = RandomArchitectures.TINY.architecture(rnd);
            a.sublayers().forEach(s -> kinds.add(s.kind()));
            ModelShape shape = new ModelShape(rnd.nextBoolean() ? 256 : 1 + rnd.nextInt(300), rnd.nextBoolean());
            try (DjlTransformer m = DjlTransformer.build(manager, a, shape, DataType.FLOAT32, i, 0.02)) {
                assertThat(m.parameterCount()).as("%s %s", a, shape).isEqualTo(CostModel.of(a, shape).totalParams());
                ParameterLayout.Initialiser init = ParameterLayout.of(a, shape, 0.02).initialiser(i);
                for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
                    double[] expected = init.next(e.getKey());
                    float[] actual = e.getValue().toFloatArray();
                    for (int k = 0; k < expected.length; k++) {
                        assertThat(actual[k]).as("%s[%d]", e.getKey(), k).isEqualTo((float) expected[k]);
                    }
                }
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder(dev.sublayer.space.Sublayer.Kind.values());
    }

    @ParameterizedTest
    @ValueSource(strings = {"d16 n8 pre: A2 F32 A4 F32", "d16 n8 post: A2 F32! A2", "d16 n8 pre: A4! F32:relu A1",
            "d16 n8 pre rms: A2 D24x3:swiglu A2", "d16 n8 post: P2/24:geglu P4/16!", "d16 n8 pre: A2 M4k2/16 A2 M3k1/8:relu2",
            "d16 n8 post rms: P2/16 M2k1/16!"})
    void changingAFutureTokenLeavesEveryEarlierLogitUnchanged(String notation) {
        Architecture a = Notation.parse(notation);
        try (DjlTransformer m = DjlTransformer.build(manager, a, ModelShape.bytes(), DataType.FLOAT32, 3, 0.2)) {
            SplittableRandom rnd = new SplittableRandom(5);
            Batch batch = RandomBatches.uniform(rnd, 2, 8, 256);
            float[] before = logits(m, batch);
            for (int changed = 1; changed < 8; changed++) {
                int[][] in = new int[2][];
                for (int b = 0; b < 2; b++) {
                    in[b] = batch.inputs()[b].clone();
                    in[b][changed] = (in[b][changed] + 1 + rnd.nextInt(254)) % 256;
                }
                float[] after = logits(m, new Batch(in, batch.targets(), batch.weights()));
                for (int b = 0; b < 2; b++) {
                    for (int t = 0; t < 8; t++) {
                        float[] x = row(before, b * 8 + t);
                        float[] y = row(after, b * 8 + t);
                        if (t < changed) {
                            assertThat(y).as("position %d after changing %d", t, changed).containsExactly(x);
                        } else if (t == changed) {
                            assertThat(y).as("position %d sees its own token", t).isNotEqualTo(x);
                        }
                    }
                }
            }
        }
    }

    private static float[] logits(DjlTransformer m, Batch batch) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return m.forward(m.inputs(batch)).logits().toFloatArray();
        }
    }

    private static float[] row(float[] logits, int position) {
        float[] r = new float[256];
        System.arraycopy(logits, position * 256, r, 0, 256);
        return r;
    }

    /**
     * Float64 central differences against PyTorch's autograd for every parameter of a tiny model, for each
     * sublayer kind, activation, norm kind and placement, residual choice and head variant (of the training
     * objective: with MoE sublayers it includes their load-balancing losses).
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "d8 n4 pre: A2", "d8 n4 pre: F12", "d8 n4 pre: F12:relu", "d8 n4 post: A2 F12",
            "d8 n4 pre: A1! F12!", "d8 n4 post: F12:relu! A4!",
            "d8 n4 pre: F12:relu2 F12:swiglu", "d8 n4 post rms: F12:geglu! A2",
            "d8 n4 pre rms: D12x2:relu2", "d8 n4 post: D10x3:swiglu!",
            "d8 n4 pre: P2/12", "d8 n4 post rms: P4/10:geglu!",
            "d8 n4 pre: M3k2/4", "d8 n4 post: M3k1/4:swiglu!", "d8 n4 pre rms: M2k2/4:relu"})
    void gradientsMatchFiniteDifferencesInDoublePrecision(String notation) {
        for (boolean tied : new boolean[] {true, false}) {
            Architecture a = Notation.parse(notation);
            ModelShape shape = new ModelShape(11, tied);
            try (DjlTransformer m = DjlTransformer.build(manager, a, shape, DataType.FLOAT64, 7, 0.5, 0.3);
                 NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                SplittableRandom rnd = new SplittableRandom(11);
                Batch batch = RandomBatches.uniform(rnd, 2, 4, 11);
                batch.weights()[1][2] = 0f; // a position that does not count must not contribute
                DjlTransformer.Inputs in = m.inputs(batch);
                Map<String, double[]> grads = gradients(m, in);
                for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
                    String name = e.getKey();
                    NDArray p = e.getValue();
                    double[] values = p.toDoubleArray();
                    double[] g = grads.get(name);
                    for (int probe = 0; probe < 4; probe++) {
                        int i = rnd.nextInt(values.length);
                        double original = values[i];
                        double h = 1e-6;
                        values[i] = original + h;
                        p.set(values);
                        double up = m.objective(in).getDouble();
                        values[i] = original - h;
                        p.set(values);
                        double down = m.objective(in).getDouble();
                        values[i] = original;
                        p.set(values);
                        double numeric = (up - down) / (2 * h);
                        double analytic = g[i];
                        // as in the DL4J engine's test: an absolute floor for exactly-zero gradients, 1e-4 relative
                        double tolerance = 1e-8 + 1e-4 * Math.max(Math.abs(numeric), Math.abs(analytic));
                        assertThat(Math.abs(numeric - analytic)).as("%s tied=%s %s[%d]: numeric %s analytic %s", notation,
                                tied, name, i, numeric, analytic).isLessThan(tolerance);
                    }
                }
            }
        }
    }

    /** The gradients of the loss on {@code in}; the parameters' gradient buffers are zero again afterwards. */
    static Map<String, double[]> gradients(DjlTransformer m, DjlTransformer.Inputs in) {
        Map<String, double[]> out = new LinkedHashMap<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            try (GradientCollector collector = DjlRuntime.pytorch(1).newGradientCollector()) {
                collector.backward(m.objective(in));
            }
            for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
                NDArray g = e.getValue().getGradient();
                out.put(e.getKey(), g.toType(DataType.FLOAT64, false).toDoubleArray());
                ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) e.getValue());
            }
        }
        return out;
    }
}
