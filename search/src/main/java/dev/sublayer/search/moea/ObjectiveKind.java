package dev.sublayer.search.moea;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a study can minimise. Each kind reads its value from a trial's result; the size and cost
 * objectives fall back to the analytic cost model when the engine did not report them, so they are
 * known even for a trial that failed early.
 */
public enum ObjectiveKind {

    /** Validation loss in bits per byte (per token for the synthetic probes). */
    VALID_BITS_PER_BYTE("valid_bits_per_byte", "bits/byte"),
    /** Non-embedding parameters: the sublayers and the final norm. */
    NON_EMBEDDING_PARAMS("non_embedding_params", "params"),
    /** Forward matrix-multiply FLOPs per token at full context. */
    FLOPS_PER_TOKEN("flops_per_token", "FLOPs/token"),
    /** Seconds the trial took: build, training and evaluation. */
    WALL_SECONDS("wall_seconds", "seconds"),
    /** Peak memory: Java heap plus native (off-heap) memory. */
    PEAK_MEMORY_BYTES("peak_memory_bytes", "peak bytes");

    private final String configName;
    private final String label;

    ObjectiveKind(String configName, String label) {
        this.configName = configName;
        this.label = label;
    }

    /** The name configs use, e.g. {@code valid_bits_per_byte}. */
    public String configName() {
        return configName;
    }

    /** A short column label for tables. */
    public String label() {
        return label;
    }

    /** Every config name, in declaration order. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(ObjectiveKind::configName).toList();
    }

    /**
     * The kind with the given config name.
     *
     * @throws IllegalArgumentException naming the allowed names
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
        TrialMetrics m = result.metrics();
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
