package dev.sublayer.space;

import java.util.Locale;

/**
 * Which normalisation every norm of an architecture is (the per-sublayer norms and, with pre-LN, the final
 * one); {@link NormPlacement} says where they sit.
 *
 * <ul>
 *   <li>{@link #LAYER}: LayerNorm, {@code (x − mean(x)) / sqrt(var(x) + ε) · g + b} over the {@code d_model}
 *       features, with gain and bias ({@code 2d} parameters);</li>
 *   <li>{@link #RMS}: RMSNorm (Zhang &amp; Sennrich 2019), {@code x / sqrt(mean(x²) + ε) · g}, gain only
 *       ({@code d} parameters).</li>
 * </ul>
 * Both use {@code ε = 1e-5} (the variance is the biased one, as in PyTorch); every engine must use the same.
 */
public enum NormKind {
    LAYER("layernorm", "ln"),
    RMS("rmsnorm", "rms");

    /** The ε added to the variance (LayerNorm) or the mean square (RMSNorm). */
    public static final double EPSILON = 1e-5;

    private final String configName;
    private final String shortName;

    NormKind(String configName, String shortName) {
        this.configName = configName;
        this.shortName = shortName;
    }

    /** The name used in configs: {@code layernorm} or {@code rmsnorm}. */
    public String configName() {
        return configName;
    }

    /** The short name a notation header may use: {@code ln} or {@code rms}. */
    public String shortName() {
        return shortName;
    }

    /** Parameters of one norm over {@code dModel} features: {@code 2d} for LayerNorm, {@code d} for RMSNorm. */
    public long params(int dModel) {
        return this == LAYER ? 2L * dModel : dModel;
    }

    /**
     * The norm kind with the given config name ({@code layernorm}, {@code rmsnorm}).
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    public static NormKind fromConfigName(String name) {
        for (NormKind k : values()) {
            if (k.configName.equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown norm kind '" + name + "', expected layernorm or rmsnorm");
    }

    /**
     * The norm kind a notation header names: the config name or the short name, any case.
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    public static NormKind fromHeaderWord(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        for (NormKind k : values()) {
            if (k.configName.equals(w) || k.shortName.equals(w)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown norm kind '" + word + "', expected rms (rmsnorm) or ln (layernorm)");
    }
}
