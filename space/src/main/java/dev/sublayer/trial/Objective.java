package dev.sublayer.trial;

import java.util.Objects;

/**
 * One minimised objective of a study with the bounds that normalise it for the hypervolume:
 * {@code (value - ideal) / (reference - ideal)} maps the ideal to 0 and the reference to 1, and the
 * reference point of the hypervolume is 1 in every objective. Values at or beyond the reference add
 * nothing to the hypervolume; failed candidates are given the reference values.
 *
 * @param kind      what is measured
 * @param reference the worst value that still counts, greater than {@code ideal}
 * @param ideal     the best value imaginable (usually 0)
 */
public record Objective(ObjectiveKind kind, double reference, double ideal) {

    public Objective {
        Objects.requireNonNull(kind, "kind");
        if (!Double.isFinite(reference) || !Double.isFinite(ideal) || !(reference > ideal)) {
            throw new IllegalArgumentException("objective " + kind.configName() + ": reference " + reference
                    + " must be finite and greater than ideal " + ideal);
        }
    }

    /** {@code value} mapped so that the ideal is 0 and the reference 1. */
    public double normalise(double value) {
        return (value - ideal) / (reference - ideal);
    }
}
