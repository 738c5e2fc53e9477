package dev.sublayer.evaluator.data;

import dev.sublayer.trial.Seeds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Fact lookup: a fixed random table maps {@code facts} two-token subjects to one-token objects, and
 * sequences recite random facts as triples {@code s1 s2 o}. Only the objects count. The table is the same
 * in every sequence and comes from the data seed, so it must be memorised in the weights: the probe
 * rewards FFN capacity. Validation recites facts from the same table (it measures how much of the table
 * was learned); accuracy is the share of objects right.
 *
 * <p>Subject tokens come from {@code [0, 128)}, objects from {@code [128, 256)}; a sequence's trailing
 * partial triple does not count.
 *
 * @param facts    table size, in {@code [1, 16384]}
 * @param dataSeed the seed of the table
 */
public record FactsTask(int facts, long dataSeed) implements Task {

    /** The default table size. */
    public static final int DEFAULT_FACTS = 512;

    public FactsTask {
        if (facts < 1 || facts > 128 * 128) {
            throw new IllegalArgumentException("facts table size must be in [1, 16384], got " + facts);
        }
    }

    @Override
    public String name() {
        return facts == DEFAULT_FACTS ? "facts" : "facts:" + facts;
    }

    @Override
    public boolean isProbe() {
        return true;
    }

    /** The table: row {@code i} is {@code {subject1, subject2, object}}. */
    public int[][] table() {
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(dataSeed, -2));
        Set<Integer> seen = new HashSet<>();
        int[][] t = new int[facts][];
        for (int i = 0; i < facts; i++) {
            int subject;
            do {
                subject = rnd.nextInt(128 * 128);
            } while (!seen.add(subject));
            t[i] = new int[] {subject / 128, subject % 128, 128 + rnd.nextInt(128)};
        }
        return t;
    }

    @Override
    public Batch trainBatch(long seed, long step, int batchSize, int context) {
        requireContext(context);
        return batch(table(), new SplittableRandom(Seeds.mix(seed, step)), batchSize, context);
    }

    @Override
    public List<Batch> validationBatches(int batchSize, int context, int count, long seedOfData) {
        requireContext(context);
        int[][] table = table();
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(seedOfData, -1));
        List<Batch> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(batch(table, rnd, batchSize, context));
        }
        return List.copyOf(out);
    }

    private static void requireContext(int context) {
        if (context < 3) {
            throw new IllegalArgumentException("corpus facts needs context >= 3 (one triple), got " + context);
        }
    }

    private static Batch batch(int[][] table, SplittableRandom rnd, int batchSize, int context) {
        int[][] in = new int[batchSize][context];
        int[][] out = new int[batchSize][context];
        float[][] w = new float[batchSize][context];
        int[] seq = new int[context + 1];
        for (int b = 0; b < batchSize; b++) {
            for (int pos = 0; pos <= context; pos += 3) {
                int[] fact = table[rnd.nextInt(table.length)];
                for (int k = 0; k < 3 && pos + k <= context; k++) {
                    seq[pos + k] = fact[k];
                }
            }
            for (int t = 0; t < context; t++) {
                in[b][t] = seq[t];
                out[b][t] = seq[t + 1];
                w[b][t] = (t + 1) % 3 == 2 ? 1f : 0f; // the object of each triple
            }
        }
        return new Batch(in, out, w);
    }
}
