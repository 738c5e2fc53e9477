package dev.sublayer.search.config;

import java.util.Locale;

/** How candidates move from one fidelity rung to the next. */
public enum Promotion {
    /**
     * Successive halving: of the candidates of one generation that completed a rung, the best
     * {@code keep_fraction} (non-dominated sorting with crowding, at that rung) continue.
     */
    HALVING,
    /**
     * Progressive hurdles: a candidate continues when its first objective at the rung is at least as good as
     * the {@code keep_fraction} quantile of every earlier generation's candidates at that rung (the first
     * generation uses halving, having no history).
     */
    HURDLE;

    /** The config name, e.g. {@code halving}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The promotion with this config name. */
    public static Promotion fromConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
