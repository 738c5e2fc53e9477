package dev.sublayer.trial;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a study can minimise, and the one definition of how each is measured from a trial. The search ranks
 * with these measures, and the terminal table, {@code front.json}, the store and the report show them, so a
 * figure has the same meaning everywhere. The size and cost objectives fall back to the analytic cost model
 * when the engine did not report them, so they are known even for a trial that failed early.
 *
 * <p>The config names are the metric names of {@link TrialJson} where a kind is a stored metric
 * ({@code valid_bits_per_byte}, {@code non_embedding_params}, {@code flops_per_token}); the two derived ones
 * ({@code wall_seconds}, {@code peak_memory_bytes}) are named here.
 */
public enum ObjectiveKind {

    /** Validation loss in bits per byte (per token for the synthetic probes). */
    VALID_BITS_PER_BYTE("valid_bits_per_byte", "bits/byte", "validation bits/byte"),
    /** Non-embedding parameters: the sublayers and the final norm. */
    NON_EMBEDDING_PARAMS("non_embedding_params", "params", "non-embedding params"),
    /** Forward matrix-multiply FLOPs per token at full context. */
    FLOPS_PER_TOKEN("flops_per_token", "FLOPs/token", "FLOPs/token"),
    /** Seconds the trial took: building, training and evaluation. */
    WALL_SECONDS("wall_seconds", "seconds", "wall seconds (build + train + eval)"),
    /** Peak memory: Java heap plus native (off-heap) memory. */
    PEAK_MEMORY_BYTES("peak_memory_bytes", "peak bytes", "peak memory (heap + native bytes)");

    private final String configName;
    private final String label;
    private final String description;

    ObjectiveKind(String configName, String label, String description) {
        this.configName = configName;
        this.label = label;
        this.description = description;
    }

    /** The name configs, stores and JSON outputs use, e.g. {@code valid_bits_per_byte}. */
    public String configName() {
        return configName;
    }

    /** A short column label for terminal tables, e.g. {@code params}. */
    public String label() {
        return label;
    }

    /** The measure in words, for report axes and headings, e.g. {@code non-embedding params}. */
    public String description() {
        return description;
    }

    /** Every config name, in declaration order. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(ObjectiveKind::configName).toList();
    }

    /**
     * The kind with the given config name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the value and the allowed names
     */
    public static ObjectiveKind fromConfigName(String name) {
        for (ObjectiveKind k : values()) {
            if (k.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown objective '" + name + "', expected one of "
                + String.join(", ", configNames()));
    }

    /**
     * This objective's value for {@code architecture} trained with {@code result}; {@code NaN} when the
     * result does not measure it.
     */
    public double measure(TrialResult result, Architecture architecture, ModelShape shape) {
        return measure(result.metrics(), architecture, shape);
    }

    /**
     * This objective's value for {@code architecture} with the metrics {@code m}; {@code NaN} when they do not
     * measure it. {@code architecture} and {@code shape} are only read for the cost-model fallback of the size
     * and cost objectives.
     */
    public double measure(TrialMetrics m, Architecture architecture, ModelShape shape) {
        return switch (this) {
            case VALID_BITS_PER_BYTE -> m.validBitsPerByte();
            case NON_EMBEDDING_PARAMS -> m.nonEmbeddingParams() >= 0 ? m.nonEmbeddingParams()
                    : CostModel.of(architecture, shape).nonEmbeddingParams();
            case FLOPS_PER_TOKEN -> m.flopsPerToken() >= 0 ? m.flopsPerToken()
                    : CostModel.of(architecture, shape).forwardFlopsPerToken();
            case WALL_SECONDS -> m.buildSeconds() + m.trainSeconds() + m.evalSeconds();
            case PEAK_MEMORY_BYTES -> m.peakHeapBytes() < 0 || m.peakNativeBytes() < 0 ? Double.NaN
                    : (double) m.peakHeapBytes() + m.peakNativeBytes();
        };
    }

    /**
     * The objective's value before training, from the cost model alone; {@code NaN} for objectives that
     * only training measures.
     */
    public double predict(Architecture architecture, ModelShape shape) {
        return switch (this) {
            case NON_EMBEDDING_PARAMS -> CostModel.of(architecture, shape).nonEmbeddingParams();
            case FLOPS_PER_TOKEN -> CostModel.of(architecture, shape).forwardFlopsPerToken();
            default -> Double.NaN;
        };
    }
}
