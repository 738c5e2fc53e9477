package dev.sublayer.search.strategy;

import dev.sublayer.search.ConstraintRepair;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.SearchSpace;
import io.jenetics.IntegerGene;
import io.jenetics.engine.InvertibleCodec;
import java.util.Objects;

/**
 * What a strategy is built from: the search space with its genotype codec, the study's hard constraints, and the
 * config's {@code search} section (the strategy's name and settings: population, templates, NSGA-II and
 * regularized-evolution settings, fixed layouts). Training, fidelity, objectives, workers and the store are none
 * of a strategy's business: it learns a candidate's fitness only through {@link Generation#evaluate}. Immutable.
 *
 * @param codec       genotypes to architectures of the study's space, and back
 * @param space       the search space (templates are built inside it)
 * @param constraints the study's hard constraints: tests an architecture, repairs a genotype into them, samples
 *                    within them
 * @param settings    the config's {@code search} section
 */
public record StrategyContext(InvertibleCodec<Architecture, IntegerGene> codec, SearchSpace space,
                              ConstraintRepair constraints, StudyConfig.Search settings) {

    public StrategyContext {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(constraints, "constraints");
        Objects.requireNonNull(settings, "settings");
    }

    /** The part of {@code study} its strategy sees. */
    public static StrategyContext of(StudyContext study) {
        return new StrategyContext(study.codec(), study.config().space(),
                new ConstraintRepair(study.codec(), study.config().space(), study::constraintViolations),
                study.config().search());
    }
}
