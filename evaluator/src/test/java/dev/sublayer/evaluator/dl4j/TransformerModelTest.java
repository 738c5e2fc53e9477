package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Activation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import dev.sublayer.space.Sublayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class TransformerModelTest {

    static Batch randomBatch(SplittableRandom rnd, int batch, int context, int vocab) {
        int[][] in = new int[batch][context];
        int[][] out = new int[batch][context];
        float[][] w = new float[batch][context];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < context; t++) {
                in[b][t] = rnd.nextInt(vocab);
                out[b][t] = rnd.nextInt(vocab);
                w[b][t] = 1f;
            }
        }
        return new Batch(in, out, w);
    }

    static Architecture randomArchitecture(SplittableRandom rnd) {
        int[] dims = {8, 12, 16, 24, 32};
        int d = dims[rnd.nextInt(dims.length)];
        int depth = 1 + rnd.nextInt(6);
        List<Sublayer> s = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            if (rnd.nextBoolean()) {
                int heads;
                do {
                    heads = 1 + rnd.nextInt(8);
                } while (d % heads != 0);
                s.add(new Sublayer.Attention(heads, rnd.nextInt(4) != 0));
            } else {
                s.add(new Sublayer.FeedForward(4 + rnd.nextInt(60), rnd.nextBoolean() ? Activation.GELU : Activation.RELU,
                        rnd.nextInt(4) != 0));
            }
        }
        return new Architecture(s, d, 2 + rnd.nextInt(15), rnd.nextBoolean() ? NormPlacement.PRE : NormPlacement.POST);
    }

    @Test
    void parameterCountEqualsTheCostModelForManyRandomArchitectures() {
        SplittableRandom rnd = new SplittableRandom(2024);
        for (int i = 0; i < 40; i++) {
            Architecture a = randomArchitecture(rnd);
            ModelShape shape = new ModelShape(rnd.nextBoolean() ? 256 : 1 + rnd.nextInt(300), rnd.nextBoolean());
            TransformerModel m = TransformerModel.build(a, shape, DataType.FLOAT, i, 0.02);
            assertThat(m.parameterCount()).as("%s %s", a, shape).isEqualTo(CostModel.of(a, shape).totalParams());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"d16 n8 pre: A2 F32 A4 F32", "d16 n8 post: A2 F32! A2", "d16 n8 pre: A4! F32:relu A1"})
    void changingAFutureTokenLeavesEveryEarlierLogitUnchanged(String notation) {
        Architecture a = Notation.parse(notation);
        TransformerModel m = TransformerModel.build(a, ModelShape.bytes(), DataType.FLOAT, 3, 0.2);
        SplittableRandom rnd = new SplittableRandom(5);
        Batch batch = randomBatch(rnd, 2, 8, 256);
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
        for (boolean tied : new boolean[] {true, false}) {
            Architecture a = Notation.parse(notation);
            ModelShape shape = new ModelShape(11, tied);
            TransformerModel m = TransformerModel.build(a, shape, DataType.DOUBLE, 7, 0.5);
            SameDiff sd = m.sameDiff();
            QuietStdout.call(() -> {
                sd.createGradFunction();
                return null;
            });
            StepArena arena = new StepArena();
            StepArena.install(sd, arena);
            StepArena.install(sd.getFunction("grad"), arena);
            SplittableRandom rnd = new SplittableRandom(11);
            Batch batch = randomBatch(rnd, 2, 4, 11);
            batch.weights()[1][2] = 0f; // a position that does not count must not contribute
            Map<String, INDArray> feed = m.feed(batch);
            Map<String, INDArray> grads = new java.util.HashMap<>();
            sd.calculateGradients(feed, m.parameterNames()).forEach((k, v) -> grads.put(k, v.dup()));
            arena.endStep();
            for (String name : m.parameterNames()) {
                INDArray p = m.parameter(name);
                INDArray g = grads.get(name);
                assertThat(g).as("gradient of %s", name).isNotNull();
                for (int probe = 0; probe < 4; probe++) {
                    long i = rnd.nextLong(p.length());
                    double original = p.getDouble(i);
                    double h = 1e-6;
                    p.putScalar(i, original + h);
                    double up = loss(sd, feed, arena);
                    p.putScalar(i, original - h);
                    double down = loss(sd, feed, arena);
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

    private static double loss(SameDiff sd, Map<String, INDArray> feed, StepArena arena) {
        double l = sd.output(feed, TransformerModel.LOSS).get(TransformerModel.LOSS).getDouble(0);
        arena.endStep();
        return l;
    }
}
