package dev.sublayer.evaluator.data;

import dev.sublayer.evaluator.CorpusCheck;
import dev.sublayer.trial.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Byte-level language modelling on one text. The text is split by position: the first 90% trains, the
 * next 5% validates, the last 5% is held out as a test split that nothing in Sublayer reads yet (kept so
 * that a later final evaluation has untouched data). Every position of a sequence counts.
 */
public record TextTask(String name, byte[] text) implements Task {

    /** Share of the text used for training ({@link CorpusCheck#TRAIN_SHARE}). */
    public static final double TRAIN_SHARE = CorpusCheck.TRAIN_SHARE;
    /** Share of the text used for validation, after the training part ({@link CorpusCheck#VALIDATION_SHARE}). */
    public static final double VALIDATION_SHARE = CorpusCheck.VALIDATION_SHARE;

    public TextTask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }

    /** First byte after the training split. */
    public int trainEnd() {
        return CorpusCheck.trainEnd(text.length);
    }

    /** First byte after the validation split. */
    public int validationEnd() {
        return CorpusCheck.validationEnd(text.length);
    }

    @Override
    public boolean isProbe() {
        return false;
    }

    @Override
    public Batch trainBatch(long seed, long step, int batchSize, int context) {
        requireRoom("training", trainEnd(), context);
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, step));
        return window(rnd, 0, trainEnd(), batchSize, context);
    }

    @Override
    public List<Batch> validationBatches(int batchSize, int context, int count, long dataSeed) {
        requireRoom("validation", validationEnd() - trainEnd(), context);
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(dataSeed, -1));
        List<Batch> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(window(rnd, trainEnd(), validationEnd(), batchSize, context));
        }
        return List.copyOf(out);
    }

    private void requireRoom(String split, int length, int context) {
        if (length < context + 1) {
            throw new IllegalArgumentException("corpus " + name + ": its " + split + " split has " + length
                    + " bytes, fewer than context + 1 = " + (context + 1) + " (the text has " + text.length
                    + " bytes; use a larger text or a shorter context)");
        }
    }

    /** A batch of windows starting at random offsets within {@code [from, to)}. */
    private Batch window(SplittableRandom rnd, int from, int to, int batchSize, int context) {
        int[][] in = new int[batchSize][context];
        int[][] out = new int[batchSize][context];
        float[][] w = new float[batchSize][context];
        int starts = to - from - context; // windows of context + 1 bytes that fit
        for (int b = 0; b < batchSize; b++) {
            int start = from + rnd.nextInt(starts);
            for (int t = 0; t < context; t++) {
                in[b][t] = text[start + t] & 0xFF;
                out[b][t] = text[start + t + 1] & 0xFF;
                w[b][t] = 1f;
            }
        }
        return new Batch(in, out, w);
    }
}
