package dev.sublayer.search.strategy;

import dev.sublayer.search.Member;
import dev.sublayer.search.TrialRunner;
import java.util.List;

/**
 * A search strategy: how the next candidates are chosen from what has been evaluated (the role of a sampler
 * in Optuna). Strategies know nothing of training, workers, fidelity or the store: they propose genotypes and
 * hand them to {@link Generation#evaluate}, which returns their fitness.
 *
 * <p>A strategy must draw every random number from {@link Generation#random()} and nothing else, and must be a
 * function of its inputs: the search resumes by calling {@link #next} with a restored population and a
 * generator seeded exactly as in the uninterrupted run.
 */
public sealed interface Strategy permits Nsga2Strategy, AgingEvolution, RandomSearch, FixedLayouts {

    /** The strategy's config name. */
    String name();

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
}
