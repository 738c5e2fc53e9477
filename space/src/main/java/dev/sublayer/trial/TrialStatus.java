package dev.sublayer.trial;

import java.util.Locale;

/** How a trial stands or ended. Every finished trial is exactly one of the terminal states. */
public enum TrialStatus {
    /** Started and not yet finished (or the process died while it ran). */
    RUNNING,
    /** Trained until a budget cap and evaluated. */
    COMPLETED,
    /** Loss became NaN/infinite or exploded; stopped early. */
    DIVERGED,
    /** Ran out of heap or native memory. */
    OUT_OF_MEMORY,
    /** Any other failure; the result's failure text says what. */
    FAILED,
    /**
     * Was running when its process died or the search stopped, or was cut off by a fault outside the candidate
     * (its result's {@link FailureCause} is then {@code INFRASTRUCTURE}); retried under the same key on resume.
     */
    INTERRUPTED,
    /** Refused before anything was built: outside the hard constraints. */
    REJECTED;

    /** Whether the trial has ended and will not change. */
    public boolean terminal() {
        return this != RUNNING && this != INTERRUPTED;
    }

    /** The lower-case name used in JSON, CSV and the CLI. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status with the given lower-case name. */
    public static TrialStatus fromConfigName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
