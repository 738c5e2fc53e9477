package dev.sublayer.evaluator.data;

import java.util.List;

/**
 * A next-token prediction task over byte-valued tokens: a text corpus or a synthetic probe.
 *
 * <p>Training batches are a pure function of {@code (seed, step)}, so training can stop after any step and
 * continue later with exactly the batches it would have seen. The validation list is a pure function of the
 * data seed, so it is identical for every candidate of a study.
 */
public sealed interface Task permits TextTask, MqarTask, FactsTask {

    /** The name a study uses for this task, e.g. {@code europarl}, {@code file:/data/x.txt}, {@code mqar}. */
    String name();

    /** The number of token ids; 256 for every task (tokens are bytes). */
    default int vocabSize() {
        return 256;
    }

    /** Whether the task has an accuracy figure of its own (the probes); for text it is next-byte accuracy. */
    boolean isProbe();

    /**
     * The training batch of optimizer step {@code step} (0-based) of a run seeded with {@code seed}.
     *
     * @param batchSize sequences, >= 1
     * @param context   positions per sequence, >= 1
     */
    Batch trainBatch(long seed, long step, int batchSize, int context);

    /**
     * The fixed validation batches.
     *
     * @param count    how many batches
     * @param dataSeed the study's data seed
     * @throws IllegalArgumentException if the task cannot provide sequences of this length
     */
    List<Batch> validationBatches(int batchSize, int context, int count, long dataSeed);
}
