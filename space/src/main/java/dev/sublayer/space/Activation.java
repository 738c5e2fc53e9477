package dev.sublayer.space;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The non-linearity inside a feed-forward sublayer.
 *
 * <p>{@link #GELU} is the sigmoid approximation {@code x·σ(1.702·x)}: it is the
 * one DL4J M2.1 differentiates exactly (its "precise" GELU has a wrong gradient),
 * and every engine must compute the same function.
 */
public enum Activation {
    RELU,
    GELU;

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
