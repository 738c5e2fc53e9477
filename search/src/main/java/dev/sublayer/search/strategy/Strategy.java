package dev.sublayer.search.strategy;

import dev.sublayer.search.Member;
import dev.sublayer.search.TrialRunner;
import dev.sublayer.search.config.StudyConfig;
import java.util.List;
import java.util.Optional;

/**
 * A search strategy: how the next candidates are chosen from what has been evaluated (the role of a sampler
 * in Optuna). Strategies know nothing of training, workers, fidelity or the store: they are built from a
 * {@link StrategyContext}, propose genotypes and hand them to {@link Generation#evaluate}, which returns their
 * fitness.
 *
 * <p>A study names its strategy in {@code search.strategy}; {@link StrategyRegistry} maps that name to a
 * {@link Factory}. The built-in strategies are {@code nsga2}, {@code regularized_evolution}, {@code random} and
 * {@code fixed}; a new one is one class implementing this interface plus one
 * {@link StrategyRegistry#register} call before the config is read.
 *
 * <p>A strategy must draw every random number from {@link Generation#random()} and nothing else, and must be a
 * function of its inputs: the search resumes by calling {@link #next} with a restored population and a
 * generator seeded exactly as in the uninterrupted run. A candidate's {@link dev.sublayer.search.Candidate#origin}
 * is stored with its trials; a strategy's own proposals carry its {@link #name()}.
 */
public interface Strategy {

    /** Creates a strategy for one search session. */
    @FunctionalInterface
    interface Factory {
        /** The strategy for the study whose strategy-relevant parts are {@code context}. */
        Strategy create(StrategyContext context);
    }

    /** The strategy's config name, the name it is registered under. */
    String name();

    /**
     * How many candidates generation {@code generation} proposes: the total the progress display counts towards.
     * Candidates already trained in the store are found there, not retrained.
     */
    int plannedCandidates(int generation);

    /**
     * Generation 0: proposes, evaluates and returns the initial population.
     *
     * @throws TrialRunner.Stopped if the search must stop
     */
    List<Member> initialise(Generation generation) throws TrialRunner.Stopped;

    /**
     * One generation: proposes and evaluates new candidates and returns the next population.
     *
     * @param population the current population (as {@link #initialise} or the previous call returned it)
     * @throws TrialRunner.Stopped if the search must stop
     */
    List<Member> next(List<Member> population, Generation generation) throws TrialRunner.Stopped;

    /**
     * Why the strategy has nothing to propose in generation {@code generation}, or empty when it has. The search
     * ends when this is present, before any budget is checked. By default a strategy always has more to propose
     * and the study budget ends the search.
     */
    default Optional<String> finished(int generation) {
        return Optional.empty();
    }

    /**
     * What the session trains after its last generation so that the front carries a mean and standard deviation
     * over seeds. By default the configured re-evaluation of the front's best members.
     *
     * @param configured the config's {@code reevaluation} section
     */
    default FinalReevaluation finalReevaluation(StudyConfig.Reevaluation configured) {
        return FinalReevaluation.ofFront(configured);
    }
}
