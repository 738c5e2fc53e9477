package dev.sublayer.evaluator;

import dev.sublayer.space.Architecture;
import dev.sublayer.trial.Budget;

/** TEMPORARY stand-in for the evaluator's contract type (CONTRACTS.md); deleted when the evaluator lands. */
public record TrialRequest(Architecture architecture, DataConfig data, TrainingConfig training, Budget budget, long seed) {
}
