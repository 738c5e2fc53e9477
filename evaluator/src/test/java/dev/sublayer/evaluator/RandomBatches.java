package dev.sublayer.evaluator;

import dev.sublayer.evaluator.data.Batch;

import java.util.SplittableRandom;

/**
 * Seeded random batches for property tests of every engine (their architectures come from
 * {@link dev.sublayer.space.RandomArchitectures#TINY}).
 */
public final class RandomBatches {

    private RandomBatches() {
    }

    /** A batch of uniformly random tokens and targets below {@code vocab}, every position counted. */
    public static Batch uniform(SplittableRandom rnd, int batch, int context, int vocab) {
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
