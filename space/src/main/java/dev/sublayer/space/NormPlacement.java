package dev.sublayer.space;

import java.util.Locale;

/**
 * Where each sublayer's norm sits (LayerNorm or RMSNorm, see {@link NormKind}).
 *
 * <ul>
 *   <li>{@link #PRE}: {@code x + f(N(x))}, as in GPT-2 and most modern models;
 *       the model ends with a final norm before the head.</li>
 *   <li>{@link #POST}: {@code N(x + f(x))}, the original "Add &amp; Norm";
 *       no final norm.</li>
 * </ul>
 * Both place exactly one norm per sublayer.
 */
public enum NormPlacement {
    PRE,
    POST;

    /** The name used in notation headers and configs ({@code pre}, {@code post}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The placement with the given config name.
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    public static NormPlacement fromConfigName(String name) {
        for (NormPlacement p : values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown norm placement '" + name + "', expected pre or post");
    }
}
