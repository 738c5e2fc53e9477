package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.RandomBatches;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Activation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.space.RandomArchitectures;
import dev.sublayer.space.Sublayer;
import dev.sublayer.testing.NativeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

@NativeTest
class TransformerModelTest {

    @Test
    void parameterCountEqualsTheCostModelForManyRandomArchitectures() {
        SplittableRandom rnd = new SplittableRandom(2024);
        java.util.Set<Sublayer.Kind> kinds = java.util.EnumSet.noneOf(Sublayer.Kind.class);
        for (int i = 0; i < 60; i++) {
            Architecture a = RandomArchitectures.TINY.architecture(rnd);
            a.sublayers().forEach(s -> kinds.add(s.kind()));
            ModelShape shape = new ModelShape(rnd.nextBoolean() ? 256 : 1 + rnd.nextInt(300), rnd.nextBoolean());
            TransformerModel m = TransformerModel.build(a, shape, DataType.FLOAT, i, 0.02);
            assertThat(m.parameterCount()).as("%s %s", a, shape).isEqualTo(CostModel.of(a, shape).totalParams());
        }
        assertThat(kinds).containsExactlyInAnyOrder(Sublayer.Kind.values());
    }

    /** The parameters one token uses: a MoE's router and top-k experts, everything else whole. */
    @Test
    void activeParametersAreTheRouterAndTheChosenExperts() {
        Architecture a = Notation.parse("d16 n8 pre: A2 M4k2/32:swiglu");
        TransformerModel m = TransformerModel.build(a, ModelShape.bytes(), DataType.FLOAT, 1, 0.02);
        long oneExpert = m.parameters().entrySet().stream().filter(e -> e.getKey().startsWith("h1.moe.e0."))
                .mapToLong(e -> e.getValue().length()).sum();
        assertThat(oneExpert).isEqualTo(3L * 16 * 32 + 2 * 32 + 16);
        assertThat(CostModel.of(a, ModelShape.bytes()).activeParams()).isEqualTo(m.parameterCount() - 2 * oneExpert);
    }

    /**
     * The dense, masked MoE equals routing each token to its top-k experts only, computed here in plain Java
     * from the model's weights (post-LN, so the sublayer's input is the embedding sum); the load-balancing
     * loss is {@code E·Σ fᵢ·Pᵢ} and the objective adds it with its weight.
     */
    @ParameterizedTest
    @ValueSource(strings = {"d8 n4 post: M4k2/6", "d8 n4 post: M3k1/5:swiglu", "d8 n4 post: M5k3/4:relu",
            "d8 n4 post: M2k2/4:geglu"})
    void mixtureOfExpertsRoutesEachTokenToItsTopKExperts(String notation) {
        Architecture a = Notation.parse(notation);
        Sublayer.MixtureOfExperts moe = (Sublayer.MixtureOfExperts) a.sublayers().getFirst();
        int e = moe.experts();
        TransformerModel m = TransformerModel.build(a, new ModelShape(11, true), DataType.DOUBLE, 5, 0.7, 0.25);
        Batch batch = RandomBatches.uniform(new SplittableRandom(9), 3, 4, 11);
        Map<String, INDArray> out = m.sameDiff().output(m.feed(batch), "h0.moe.out", "h0.moe.gates",
                TransformerModel.LOSS, TransformerModel.AUX_LOSS, TransformerModel.OBJECTIVE);
        double[] share = new double[e];
        double[] meanProbability = new double[e];
        int rows = 3 * 4;
        for (int row = 0; row < rows; row++) {
            double[] x = new double[8];
            for (int j = 0; j < 8; j++) {
                x[j] = m.parameter("wte").getDouble(batch.inputs()[row / 4][row % 4], j) + m.parameter("wpe").getDouble(row % 4, j);
            }
            double[] logits = times(x, m.parameter("h0.moe.router"), null);
            double[] p = softmax(logits);
            Integer[] order = new Integer[e];
            for (int i = 0; i < e; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (i, j) -> Double.compare(logits[j], logits[i]));
            double chosenMass = 0;
            for (int r = 0; r < moe.topK(); r++) {
                chosenMass += p[order[r]];
            }
            double[] expected = new double[8];
            for (int r = 0; r < moe.topK(); r++) {
                int i = order[r];
                double gate = p[i] / chosenMass;
                assertThat(out.get("h0.moe.gates").getDouble(row, i)).isCloseTo(gate, org.assertj.core.api.Assertions.within(1e-12));
                double[] y = expert(m, "h0.moe.e" + i, x, moe.activation());
                for (int j = 0; j < 8; j++) {
                    expected[j] += gate * y[j];
                }
                share[i] += 1.0 / (rows * moe.topK());
            }
            for (int r = moe.topK(); r < e; r++) {
                assertThat(out.get("h0.moe.gates").getDouble(row, order[r])).isZero();
            }
            for (int i = 0; i < e; i++) {
                meanProbability[i] += p[i] / rows;
            }
            for (int j = 0; j < 8; j++) {
                assertThat(out.get("h0.moe.out").getDouble(row, j)).as("row %d feature %d", row, j)
                        .isCloseTo(expected[j], org.assertj.core.api.Assertions.within(1e-7 * Math.max(1, Math.abs(expected[j]))));
            }
        }
        double aux = 0;
        for (int i = 0; i < e; i++) {
            aux += e * share[i] * meanProbability[i];
        }
        // sd.nn.gelu differs from x·σ(1.702x) in double precision by ~1e-9 relative (a float constant?), hence 1e-7
        double loss = out.get(TransformerModel.LOSS).getDouble(0);
        assertThat(out.get(TransformerModel.AUX_LOSS).getDouble(0)).isCloseTo(aux, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(out.get(TransformerModel.OBJECTIVE).getDouble(0)).isCloseTo(loss + 0.25 * aux,
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(m.objective()).isEqualTo(TransformerModel.OBJECTIVE);
    }

    @Test
    void modelsWithoutExpertsTrainOnThePlainLoss() {
        TransformerModel m = TransformerModel.build(Notation.parse("d8 n4 pre: A2 P2/8 D8x2"), ModelShape.bytes(),
                DataType.FLOAT, 1, 0.02);
        assertThat(m.objective()).isEqualTo(TransformerModel.LOSS);
        assertThat(m.sameDiff().hasVariable(TransformerModel.OBJECTIVE)).isFalse();
    }

    private static double[] expert(TransformerModel m, String name, double[] x, Activation activation) {
        double[] hidden = times(x, m.parameter(name + ".up.w"), m.parameter(name + ".up.b"));
        double[] gate = activation.gated() ? times(x, m.parameter(name + ".up_gate.w"), m.parameter(name + ".up_gate.b"))
                : null;
        for (int j = 0; j < hidden.length; j++) {
            double z = hidden[j];
            hidden[j] = switch (activation) {
                case RELU -> Math.max(0, z);
                case GELU -> z * sigmoid(1.702 * z);
                case RELU2 -> Math.max(0, z) * Math.max(0, z);
                case SWIGLU -> gate[j] * sigmoid(gate[j]) * z;
                case GEGLU -> gate[j] * sigmoid(1.702 * gate[j]) * z;
            };
        }
        return times(hidden, m.parameter(name + ".down.w"), m.parameter(name + ".down.b"));
    }

    private static double[] times(double[] x, INDArray w, INDArray bias) {
        double[] y = new double[(int) w.size(1)];
        for (int o = 0; o < y.length; o++) {
            double sum = bias == null ? 0 : bias.getDouble(o);
            for (int i = 0; i < x.length; i++) {
                sum += x[i] * w.getDouble(i, o);
            }
            y[o] = sum;
        }
        return y;
    }

    private static double[] softmax(double[] z) {
        double max = java.util.Arrays.stream(z).max().orElseThrow();
        double[] p = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @ParameterizedTest
    @ValueSource(strings = {"d16 n8 pre: A2 F32 A4 F32", "d16 n8 post: A2 F32! A2", "d16 n8 pre: A4! F32:relu A1",
            "d16 n8 pre rms: A2 D24x3:swiglu A2", "d16 n8 post: P2/24:geglu P4/16!", "d16 n8 pre: A2 M4k2/16 A2 M3k1/8:relu2",
            "d16 n8 post rms: P2/16 M2k1/16!"})
    void changingAFutureTokenLeavesEveryEarlierLogitUnchanged(String notation) {
        Architecture a = Notation.parse(notation);
        TransformerModel m = TransformerModel.build(a, ModelShape.bytes(), DataType.FLOAT, 3, 0.2);
        SplittableRandom rnd = new SplittableRandom(5);
        Batch batch = RandomBatches.uniform(rnd, 2, 8, 256);
        INDArray before = logits(m, batch);
        for (int changed = 1; changed < 8; changed++) {
            int[][] in = new int[2][];
            for (int b = 0; b < 2; b++) {
                in[b] = batch.inputs()[b].clone();
                in[b][changed] = (in[b][changed] + 1 + rnd.nextInt(254)) % 256;
            }
            INDArray after = logits(m, new Batch(in, batch.targets(), batch.weights()));
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < 8; t++) {
                    INDArray x = before.getRow(b * 8 + t);
                    INDArray y = after.getRow(b * 8 + t);
                    if (t < changed) {
                        assertThat(y).as("position %d after changing %d", t, changed).isEqualTo(x);
                    } else if (t == changed) {
                        assertThat(y).as("position %d sees its own token", t).isNotEqualTo(x);
                    }
                }
            }
        }
    }

    private static INDArray logits(TransformerModel m, Batch batch) {
        Map<String, INDArray> out = m.sameDiff().output(m.feed(batch), TransformerModel.LOGITS);
        return out.get(TransformerModel.LOGITS).dup();
    }

    /**
     * Float64 central differences against SameDiff's gradients for every parameter of a tiny model, for
     * each sublayer kind, norm placement, residual choice and head variant; through the same arena-backed
     * session that training uses.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "d8 n4 pre: A2", "d8 n4 pre: F12", "d8 n4 pre: F12:relu", "d8 n4 post: A2 F12",
            "d8 n4 pre: A1! F12!", "d8 n4 post: F12:relu! A4!"})
    void gradientsMatchFiniteDifferencesInDoublePrecision(String notation) {
        checkGradients(notation, new boolean[] {true, false}, 4);
    }

    /**
     * The same check for the other kinds, activations and RMSNorm; with a tied head only (the head is
     * independent of the sublayers) and two probes per parameter, since every probe costs two forward passes.
     */
    @ParameterizedTest
    @ValueSource(strings = {
            "d8 n4 pre: F12:relu2 F12:swiglu", "d8 n4 post rms: F12:geglu! A2",
            "d8 n4 pre rms: D12x2:relu2", "d8 n4 post: D10x3:swiglu!",
            "d8 n4 pre: P2/12", "d8 n4 post rms: P4/10:geglu!",
            "d8 n4 pre: M3k2/4", "d8 n4 post: M3k1/4:swiglu!", "d8 n4 pre rms: M2k2/4:relu"})
    void gradientsOfEveryKindMatchFiniteDifferences(String notation) {
        checkGradients(notation, new boolean[] {true}, 2);
    }

    private static void checkGradients(String notation, boolean[] ties, int probes) {
        for (boolean tied : ties) {
            Architecture a = Notation.parse(notation);
            ModelShape shape = new ModelShape(11, tied);
            // a large load-balancing weight, so a wrong gradient of that loss cannot hide under the cross-entropy's
            TransformerModel m = TransformerModel.build(a, shape, DataType.DOUBLE, 7, 0.5, 0.5);
            SameDiff sd = m.sameDiff();
            QuietStdout.call(() -> {
                sd.createGradFunction();
                return null;
            });
            StepArena arena = new StepArena();
            StepArena.install(sd, arena);
            StepArena.install(sd.getFunction("grad"), arena);
            SplittableRandom rnd = new SplittableRandom(11);
            Batch batch = RandomBatches.uniform(rnd, 2, 4, 11);
            batch.weights()[1][2] = 0f; // a position that does not count must not contribute
            Map<String, INDArray> feed = m.feed(batch);
            Map<String, INDArray> grads = new java.util.HashMap<>();
            sd.calculateGradients(feed, m.parameterNames()).forEach((k, v) -> grads.put(k, v.dup()));
            arena.endStep();
            for (String name : m.parameterNames()) {
                INDArray p = m.parameter(name);
                INDArray g = grads.get(name);
                assertThat(g).as("gradient of %s", name).isNotNull();
                for (int probe = 0; probe < probes; probe++) {
                    long i = rnd.nextLong(p.length());
                    double original = p.getDouble(i);
                    double h = 1e-6;
                    p.putScalar(i, original + h);
                    double up = loss(m, feed, arena);
                    p.putScalar(i, original - h);
                    double down = loss(m, feed, arena);
                    p.putScalar(i, original);
                    double numeric = (up - down) / (2 * h);
                    double analytic = g.getDouble(i);
                    // Absolute floor for gradients that are exactly zero (key biases cancel in softmax), relative
                    // tolerance 1e-4 otherwise: the known-wrong stock ops are off by 1e-3 relative or by factors.
                    double tolerance = 1e-8 + 1e-4 * Math.max(Math.abs(numeric), Math.abs(analytic));
                    assertThat(Math.abs(numeric - analytic)).as("%s tied=%s %s[%d]: numeric %s analytic %s", notation,
                            tied, name, i, numeric, analytic).isLessThan(tolerance);
                }
            }
        }
    }

    private static double loss(TransformerModel m, Map<String, INDArray> feed, StepArena arena) {
        double l = m.sameDiff().output(feed, m.objective()).get(m.objective()).getDouble(0);
        arena.endStep();
        return l;
    }
}
