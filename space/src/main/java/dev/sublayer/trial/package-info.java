/**
 * The shared vocabulary of a trial: what a training run is capped by ({@link dev.sublayer.trial.Budget}),
 * how it ended ({@link dev.sublayer.trial.TrialStatus}) and what it measured
 * ({@link dev.sublayer.trial.TrialResult}). It lives beside the search space so that the evaluator,
 * which produces results, and the store and reports, which keep and show them, share one set of types
 * without depending on each other.
 */
package dev.sublayer.trial;
