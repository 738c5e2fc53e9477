package dev.sublayer.trial;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one trial, whatever engine produced it.
 *
 * @param status     how the trial ended
 * @param metrics    what it measured ({@link TrialMetrics#none()} when nothing was)
 * @param curve      the learning curve, oldest point first; may be empty
 * @param failure    why it did not complete (exception message, divergence step, rejected constraint), or empty
 * @param provenance the software and machine that produced it
 */
public record TrialResult(
        TrialStatus status,
        TrialMetrics metrics,
        List<CurvePoint> curve,
        String failure,
        Provenance provenance) {

    public TrialResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(provenance, "provenance");
        curve = List.copyOf(curve);
        failure = failure == null ? "" : failure;
    }
}
