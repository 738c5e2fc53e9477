package dev.sublayer.search.strategy;

import dev.sublayer.search.Candidate;
import dev.sublayer.search.TrialRunner;
import dev.sublayer.search.moea.Fitness;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * What a strategy gets for one generation: its number, its random generator (seeded from the study seed and
 * the generation number) and the evaluation hook.
 *
 * @param number    the generation number (0 = initial population)
 * @param random    the only source of randomness the strategy may use
 * @param evaluator evaluates proposed candidates
 */
public record Generation(int number, RandomGenerator random, Evaluator evaluator) {

    public Generation {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(evaluator, "evaluator");
    }

    /** Evaluates candidates (dedup, constraints already applied by the strategy, fidelity, execution). */
    @FunctionalInterface
    public interface Evaluator {
        /**
         * The fitness of each candidate, in order.
         *
         * @throws TrialRunner.Stopped if the search must stop
         */
        List<Fitness> evaluate(List<Candidate> candidates) throws TrialRunner.Stopped;
    }

    /** Evaluates {@code candidates} with this generation's evaluator. */
    public List<Fitness> evaluate(List<Candidate> candidates) throws TrialRunner.Stopped {
        return evaluator.evaluate(candidates);
    }
}
