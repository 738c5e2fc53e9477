package dev.sublayer.evaluator;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.Constraints;
import dev.sublayer.trial.Budget;

import java.util.Objects;

/**
 * Everything that defines one trial: what to train, on what, how, for how long and from which seed.
 *
 * @param architecture the candidate
 * @param data         corpus and batching
 * @param training     optimizer and schedule
 * @param budget       the caps; the first reached stops training
 * @param seed         the trial seed: initial weights and the order of training batches
 * @param constraints  hard limits checked with the cost model before anything is built; a candidate
 *                     outside them ends {@link dev.sublayer.trial.TrialStatus#REJECTED}
 */
public record TrialRequest(
        Architecture architecture,
        DataConfig data,
        TrainingConfig training,
        Budget budget,
        long seed,
        Constraints constraints) {

    public TrialRequest {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(constraints, "constraints");
    }

    /** A request without pre-training constraints. */
    public TrialRequest(Architecture architecture, DataConfig data, TrainingConfig training, Budget budget, long seed) {
        this(architecture, data, training, budget, seed, Constraints.none());
    }

    /** This request with another budget (e.g. the next rung of successive halving). */
    public TrialRequest withBudget(Budget newBudget) {
        return new TrialRequest(architecture, data, training, newBudget, seed, constraints);
    }
}
