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
 * @param cause      whose doing the outcome is: {@link FailureCause#CANDIDATE} for every outcome of the candidate,
 *                   {@link FailureCause#INFRASTRUCTURE} only for a {@code FAILED} or {@code INTERRUPTED} trial that a
 *                   fault of the machine cut off (the failure text says which)
 */
public record TrialResult(
        TrialStatus status,
        TrialMetrics metrics,
        List<CurvePoint> curve,
        String failure,
        Provenance provenance,
        FailureCause cause) {

    public TrialResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(cause, "cause");
        curve = List.copyOf(curve);
        failure = failure == null ? "" : failure;
        if (cause == FailureCause.INFRASTRUCTURE && status != TrialStatus.FAILED
                && status != TrialStatus.INTERRUPTED) {
            throw new IllegalArgumentException("a " + status.configName() + " trial is the candidate's outcome; "
                    + "only a failed or interrupted trial can have the cause " + cause.configName());
        }
    }

    /** A result whose outcome is the candidate's ({@link FailureCause#CANDIDATE}). */
    public TrialResult(TrialStatus status, TrialMetrics metrics, List<CurvePoint> curve, String failure,
                       Provenance provenance) {
        this(status, metrics, curve, failure, provenance, FailureCause.CANDIDATE);
    }

    /**
     * A {@code FAILED} result that a fault outside the candidate caused ({@link FailureCause#INFRASTRUCTURE}),
     * with nothing measured.
     *
     * @param why what failed and where, e.g. {@code "no space left on device: /runs/s/checkpoints/k.ckpt.partial"}
     */
    public static TrialResult infrastructureFailure(String why, Provenance provenance) {
        return new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(), why, provenance,
                FailureCause.INFRASTRUCTURE);
    }
}
