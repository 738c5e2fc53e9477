package dev.sublayer.evaluator;

import java.util.Objects;

/**
 * What a trial trains and is validated on. The context length is not here: it comes from the
 * {@link dev.sublayer.space.Architecture}.
 *
 * @param corpus            {@code europarl}, {@code file:/abs/path.txt} (byte-level language modelling),
 *                          {@code mqar} or {@code facts} (synthetic probes, see the evaluator's
 *                          {@code dev.sublayer.evaluator.data.Tasks})
 * @param batchSize         sequences per optimizer step, >= 1
 * @param validationBatches number of fixed validation batches, >= 1
 * @param dataSeed          the seed of everything that must be identical for every candidate of a study:
 *                          the validation batch list and the probes' tables; not the trial seed
 */
public record DataConfig(String corpus, int batchSize, int validationBatches, long dataSeed) {

    /** The corpus used when none is named. */
    public static final String DEFAULT_CORPUS = "europarl";

    public DataConfig {
        Objects.requireNonNull(corpus, "corpus");
        if (corpus.isBlank()) {
            throw new IllegalArgumentException("corpus must not be empty, expected europarl, file:/path, mqar or facts");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        }
        if (validationBatches < 1) {
            throw new IllegalArgumentException("validation_batches must be >= 1, got " + validationBatches);
        }
    }

    /** Europarl, batch 32, 8 validation batches, data seed 0. */
    public static DataConfig defaults() {
        return new DataConfig(DEFAULT_CORPUS, 32, 8, 0L);
    }

    /** This configuration with another corpus. */
    public DataConfig withCorpus(String newCorpus) {
        return new DataConfig(newCorpus, batchSize, validationBatches, dataSeed);
    }

    /** This configuration with another batch size. */
    public DataConfig withBatchSize(int newBatchSize) {
        return new DataConfig(corpus, newBatchSize, validationBatches, dataSeed);
    }

    /** This configuration with another number of validation batches. */
    public DataConfig withValidationBatches(int n) {
        return new DataConfig(corpus, batchSize, n, dataSeed);
    }

    /** This configuration with another data seed. */
    public DataConfig withDataSeed(long seed) {
        return new DataConfig(corpus, batchSize, validationBatches, seed);
    }
}
