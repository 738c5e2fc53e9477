package dev.sublayer.search.config;

import java.util.Locale;

/** The search strategies a study can use, by config name. */
public enum StrategyKind {
    /** NSGA-II-style multi-objective genetic algorithm on Jenetics. */
    NSGA2,
    /** Regularized (aging) evolution, Real et al. 2019. */
    REGULARIZED_EVOLUTION,
    /** Uniform random sampling of the space. */
    RANDOM,
    /**
     * No search: trains a fixed list of labelled layouts ({@code search.layouts}), each with
     * {@code search.seeds} seeds, so named alternatives can be compared at matched cost with mean ± std.
     */
    FIXED;

    /** The config name, e.g. {@code regularized_evolution}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with this config name. */
    public static StrategyKind fromConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
