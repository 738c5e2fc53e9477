package dev.sublayer.reports;

import dev.sublayer.trial.TrialMetrics;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A quantity a study minimises, as the report reads it from a trial's metrics. Every objective is
 * minimised; a value that was not measured is {@code NaN}.
 */
public enum Objective {
    /** Validation loss in bits per byte. */
    BITS_PER_BYTE("bits_per_byte", "validation bits/byte", "bpb", "valid_bits_per_byte", "validation_bits_per_byte",
            "loss", "valid_loss"),
    /** Non-embedding parameters. */
    NON_EMBEDDING_PARAMS("non_embedding_params", "non-embedding params", "params", "parameters"),
    /** Forward FLOPs per token. */
    FLOPS_PER_TOKEN("flops_per_token", "FLOPs/token", "flops"),
    /** Wall-clock seconds of training. */
    WALL_TIME("wall_time", "training seconds", "wall_seconds", "train_seconds", "seconds", "time"),
    /** Peak memory in bytes (heap plus native). */
    PEAK_MEMORY("peak_memory", "peak memory (bytes)", "memory", "peak_memory_bytes");

    private final String configName;
    private final String label;
    private final List<String> aliases;

    Objective(String configName, String label, String... aliases) {
        this.configName = configName;
        this.label = label;
        this.aliases = List.of(aliases);
    }

    /** The name configs use, e.g. {@code non_embedding_params}. */
    public String configName() {
        return configName;
    }

    /** A short human-readable label for axes and tables. */
    public String label() {
        return label;
    }

    /** This objective's value in {@code m}, {@code NaN} where not measured. */
    public double of(TrialMetrics m) {
        return switch (this) {
            case BITS_PER_BYTE -> m.validBitsPerByte();
            case NON_EMBEDDING_PARAMS -> m.nonEmbeddingParams() < 0 ? Double.NaN : m.nonEmbeddingParams();
            case FLOPS_PER_TOKEN -> m.flopsPerToken() < 0 ? Double.NaN : m.flopsPerToken();
            case WALL_TIME -> m.trainSeconds() > 0 ? m.trainSeconds() : Double.NaN;
            case PEAK_MEMORY -> m.peakHeapBytes() < 0 && m.peakNativeBytes() < 0 ? Double.NaN
                    : Math.max(0, m.peakHeapBytes()) + Math.max(0, m.peakNativeBytes());
        };
    }

    /** Sublayer's default objectives: bits/byte, non-embedding params, FLOPs per token. */
    public static List<Objective> defaults() {
        return List.of(BITS_PER_BYTE, NON_EMBEDDING_PARAMS, FLOPS_PER_TOKEN);
    }

    /**
     * The objective with the given name or alias (case and {@code -}/{@code _} insensitive).
     *
     * @throws IllegalArgumentException naming the value and the allowed names
     */
    public static Objective fromConfigName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Objective o : values()) {
            if (o.configName.equals(n) || o.aliases.contains(n)) {
                return o;
            }
        }
        throw new IllegalArgumentException("objective '" + name + "' is unknown, expected one of "
                + Arrays.stream(values()).map(Objective::configName).collect(Collectors.joining(", ")));
    }
}
