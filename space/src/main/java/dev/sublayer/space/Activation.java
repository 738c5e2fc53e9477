package dev.sublayer.space;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The non-linearity inside a feed-forward path (of {@code F}, {@code D}, {@code P} and {@code M} sublayers).
 *
 * <p>Every engine must compute exactly these functions, with {@code σ} the logistic sigmoid:
 * <ul>
 *   <li>{@link #RELU}: {@code max(0, x)};</li>
 *   <li>{@link #GELU}: the sigmoid approximation {@code x·σ(1.702·x)} — the one DL4J M2.1
 *       differentiates exactly (its "precise" GELU has a wrong gradient);</li>
 *   <li>{@link #RELU2}: squared ReLU {@code max(0, x)²} (So et al. 2021, "Primer");</li>
 *   <li>{@link #SWIGLU}: gated, {@code silu(x·W_gate + b_gate) ⊙ (x·W_up + b_up)} with
 *       {@code silu(z) = z·σ(z)} (Shazeer 2020);</li>
 *   <li>{@link #GEGLU}: gated, {@code gelu(x·W_gate + b_gate) ⊙ (x·W_up + b_up)} with the GELU above.</li>
 * </ul>
 *
 * <p>A {@linkplain #gated() gated} activation doubles the projection in front of it: a gated FFN of width
 * {@code w} has three matrices ({@code W_gate}, {@code W_up}: {@code d → w}, {@code W_down}: {@code w → d}),
 * each with a bias as the plain FFN has, so about 1.5× the parameters and FLOPs of a plain FFN of the same
 * width. Compare widths at equal parameters with {@link CostModel#equalParamsWidth}: {@code F1024} at
 * {@code d_model} 128 matches {@code F682:swiglu}.
 */
public enum Activation {
    RELU(false),
    GELU(false),
    RELU2(false),
    SWIGLU(true),
    GEGLU(true);

    private final boolean gated;

    Activation(boolean gated) {
        this.gated = gated;
    }

    /** Whether this is a gated linear unit (an extra gate projection of the same width). */
    public boolean gated() {
        return gated;
    }

    /** The lower-case name used in notation and configs. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The activation with the given config name.
     *
     * @throws IllegalArgumentException naming the value and the allowed names
     */
    public static Activation fromConfigName(String name) {
        for (Activation a : values()) {
            if (a.configName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "', expected one of " + allowedNames());
    }

    /** The allowed config names, comma-separated, for error messages. */
    public static String allowedNames() {
        return Arrays.stream(values()).map(Activation::configName).collect(Collectors.joining(", "));
    }
}
