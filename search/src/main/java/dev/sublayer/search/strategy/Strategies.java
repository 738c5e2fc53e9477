package dev.sublayer.search.strategy;

import dev.sublayer.search.StudyContext;

/** Creates the strategy a study's config names. */
public final class Strategies {

    private Strategies() {
    }

    /** The strategy configured for {@code context}. */
    public static Strategy of(StudyContext context) {
        return switch (context.config().search().strategy()) {
            case NSGA2 -> new Nsga2Strategy(context);
            case REGULARIZED_EVOLUTION -> new AgingEvolution(context);
            case RANDOM -> new RandomSearch(context);
            case FIXED -> new FixedLayouts(context);
        };
    }
}
