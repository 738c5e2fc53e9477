package dev.sublayer.evaluator.data;

import dev.sublayer.trial.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Multi-query associative recall (MQAR, after the Zoology paper): every sequence first lists key–value
 * pairs with a fresh random mapping, then asks for the values of some of its keys again. Only the answers
 * count. Because the mapping changes with every sequence, nothing can be memorised: the answer must be
 * copied from earlier in the context, which only attention can do. Accuracy is the share of answers right.
 *
 * <p>Layout of the {@code context + 1} tokens: {@code k1 v1 k2 v2 … kP vP q1 a1 q2 a2 …} with
 * {@code P = max(1, context / 4)} distinct keys from {@code [0, 128)} and values from {@code [128, 256)};
 * each query {@code q} is one of the listed keys, drawn with replacement, and {@code a} its value.
 */
public record MqarTask() implements Task {

    /** Token ids below this are keys, the rest values. */
    public static final int KEY_VOCAB = 128;

    @Override
    public String name() {
        return "mqar";
    }

    @Override
    public boolean isProbe() {
        return true;
    }

    /** Key–value pairs listed in a sequence of this context length. */
    public static int pairs(int context) {
        return Math.max(1, Math.min(KEY_VOCAB, context / 4));
    }

    @Override
    public Batch trainBatch(long seed, long step, int batchSize, int context) {
        return batch(new SplittableRandom(Seeds.mix(seed, step)), batchSize, context);
    }

    @Override
    public List<Batch> validationBatches(int batchSize, int context, int count, long dataSeed) {
        requireContext(context);
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(dataSeed, -1));
        List<Batch> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(batch(rnd, batchSize, context));
        }
        return List.copyOf(out);
    }

    private static void requireContext(int context) {
        if (context < 4) {
            throw new IllegalArgumentException("corpus mqar needs context >= 4 (one pair and one query), got " + context);
        }
    }

    private static Batch batch(SplittableRandom rnd, int batchSize, int context) {
        requireContext(context);
        int p = pairs(context);
        int[][] in = new int[batchSize][context];
        int[][] out = new int[batchSize][context];
        float[][] w = new float[batchSize][context];
        int[] seq = new int[context + 1];
        boolean[] answer = new boolean[context + 1];
        int[] keys = new int[KEY_VOCAB];
        int[] values = new int[p];
        for (int b = 0; b < batchSize; b++) {
            for (int i = 0; i < KEY_VOCAB; i++) {
                keys[i] = i;
            }
            for (int i = 0; i < p; i++) { // partial Fisher–Yates: p distinct keys
                int j = i + rnd.nextInt(KEY_VOCAB - i);
                int tmp = keys[i];
                keys[i] = keys[j];
                keys[j] = tmp;
                values[i] = KEY_VOCAB + rnd.nextInt(256 - KEY_VOCAB);
            }
            java.util.Arrays.fill(answer, false);
            int pos = 0;
            for (int i = 0; i < p; i++) {
                seq[pos++] = keys[i];
                seq[pos++] = values[i];
            }
            while (pos <= context) {
                int q = rnd.nextInt(p);
                seq[pos++] = keys[q];
                if (pos <= context) {
                    seq[pos] = values[q];
                    answer[pos] = true;
                    pos++;
                }
            }
            for (int t = 0; t < context; t++) {
                in[b][t] = seq[t];
                out[b][t] = seq[t + 1];
                w[b][t] = answer[t + 1] ? 1f : 0f;
            }
        }
        return new Batch(in, out, w);
    }
}
