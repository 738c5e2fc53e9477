package dev.sublayer.evaluator;

import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Activation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.NormKind;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Sublayer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random architectures and batches for property tests of every engine. */
public final class TestArchitectures {

    private TestArchitectures() {
    }

    /**
     * A small random architecture that every engine builds: d in {8..32}, 1–6 attention and FFN (ReLU or GELU)
     * sublayers, random residuals and norm placement, LayerNorm.
     */
    public static Architecture random(SplittableRandom rnd) {
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

    /**
     * A small random architecture of every sublayer kind ({@code A F D P M}), activation and norm kind: d in
     * {8..32}, 1–6 sublayers, random residuals and norm placement.
     */
    public static Architecture randomAnyKind(SplittableRandom rnd) {
        int[] dims = {8, 12, 16, 24, 32};
        int d = dims[rnd.nextInt(dims.length)];
        int depth = 1 + rnd.nextInt(6);
        List<Sublayer> s = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            int heads;
            do {
                heads = 1 + rnd.nextInt(8);
            } while (d % heads != 0);
            int width = 4 + rnd.nextInt(60);
            Activation activation = Activation.values()[rnd.nextInt(Activation.values().length)];
            boolean residual = rnd.nextInt(4) != 0;
            s.add(switch (Sublayer.Kind.values()[rnd.nextInt(Sublayer.Kind.values().length)]) {
                case ATTENTION -> new Sublayer.Attention(heads, residual);
                case FFN -> new Sublayer.FeedForward(width, activation, residual);
                case DEEP_FFN -> new Sublayer.DeepFeedForward(width, 2 + rnd.nextInt(3), activation, residual);
                case PARALLEL -> new Sublayer.Parallel(heads, width, activation, residual);
                case MOE -> {
                    int experts = 2 + rnd.nextInt(5);
                    yield new Sublayer.MixtureOfExperts(experts, 1 + rnd.nextInt(experts), width, activation, residual);
                }
            });
        }
        return new Architecture(s, d, 2 + rnd.nextInt(15), rnd.nextBoolean() ? NormPlacement.PRE : NormPlacement.POST,
                rnd.nextBoolean() ? NormKind.LAYER : NormKind.RMS);
    }

    /** A batch of uniformly random tokens and targets, every position counted. */
    public static Batch randomBatch(SplittableRandom rnd, int batch, int context, int vocab) {
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
}
