package dev.sublayer.trial;

import java.util.Locale;

/**
 * Whose doing a trial's outcome is: the candidate's, or the machine's it ran on. This decides whether the
 * outcome counts. A candidate that diverged, ran out of memory or broke a constraint has been judged; a trial
 * cut off because the disk was full has judged nothing about its candidate and must run again.
 */
public enum FailureCause {
    /**
     * The candidate's own outcome: it completed, diverged, ran out of memory, broke a constraint, or its training
     * failed. The result is recorded as the candidate's and the trial is never trained again.
     */
    CANDIDATE,
    /**
     * A fault outside the candidate: no space left on device, a worker process that could not start or that the
     * executor lost. The result says nothing about the candidate: the trial is recorded as
     * {@link TrialStatus#INTERRUPTED} with the reason, never as the candidate's failure, and is trained again when
     * the study resumes.
     */
    INFRASTRUCTURE;

    /** The lower-case name used in JSON. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
