package dev.sublayer.storage;

import dev.sublayer.trial.Session;
import dev.sublayer.trial.TrialStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a study's event log (e.g. {@code trial_started}, {@code trial_finished},
 * {@code generation_done}, {@code study_resumed}). The events a store writes itself are made here, so every
 * {@link StudyStorage} writes the same ones.
 *
 * @param time    when it happened
 * @param type    a short lower-case tag that tools can filter on
 * @param message a human-readable line
 */
public record StudyEvent(Instant time, String type, String message) {

    /** The type of the event a new store starts its log with. */
    public static final String STUDY_CREATED = "study_created";

    /** The type of the event every writing open of an existing store logs. */
    public static final String STUDY_RESUMED = "study_resumed";

    /**
     * The type of the event a budget change logs ({@code sublayer study budget}); logged by a maintenance command
     * between sessions, it belongs to no session and does not lengthen one.
     */
    public static final String BUDGET_CHANGED = "budget_changed";

    public StudyEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    /** {@code study_created}: the first event of every study. */
    static StudyEvent studyCreated(StudyInfo info, Instant time) {
        return new StudyEvent(time, "study_created", "study '" + info.name() + "' created with seed " + info.seed());
    }

    /** {@code study_resumed}, naming (the first 20 of) the trials that reopening marked interrupted. */
    static StudyEvent studyResumed(List<TrialRecord> interrupted, Instant time) {
        StringBuilder msg = new StringBuilder("study resumed");
        if (!interrupted.isEmpty()) {
            msg.append("; ").append(interrupted.size()).append(" running trial(s) marked interrupted:");
            interrupted.stream().limit(20).forEach(t -> msg.append(' ').append(t.key()));
            if (interrupted.size() > 20) {
                msg.append(" ...");
            }
        }
        return new StudyEvent(time, "study_resumed", msg.toString());
    }

    /**
     * What storing {@code t} logs: {@code trial_started} for a running trial, else {@code trial_finished} or
     * {@code trial_interrupted} with its status, bits per byte and first line of failure.
     */
    static StudyEvent trialStored(TrialRecord t) {
        Instant time = t.finished() != null ? t.finished() : Instant.now();
        if (t.status() == TrialStatus.RUNNING) {
            return new StudyEvent(t.started(), "trial_started", t.key() + " " + t.architecture() + " rung "
                    + t.rung());
        }
        String msg = t.key() + " " + t.status().configName();
        double bpb = t.result().metrics().validBitsPerByte();
        if (!Double.isNaN(bpb)) {
            msg += " bits/byte " + bpb;
        }
        if (!t.result().failure().isEmpty()) {
            msg += ": " + StoreFile.firstLine(t.result().failure());
        }
        return new StudyEvent(time, t.status() == TrialStatus.INTERRUPTED ? "trial_interrupted" : "trial_finished",
                msg);
    }

    /** {@code generation_done}: what storing a generation checkpoint logs. */
    static StudyEvent generationDone(GenerationRecord g) {
        return new StudyEvent(g.time(), "generation_done", "generation " + g.generation() + ": " + g.trialsDone()
                + " trials done, hypervolume " + g.hypervolume() + ", best bits/byte " + g.bestBitsPerByte());
    }

    /**
     * The sessions of a log, oldest first: each runs from a {@value #STUDY_CREATED}, {@value #STUDY_RESUMED} or
     * {@value TrialKeyUpgrade#EVENT} event to the last event before the next such event (the last session to the log's last event). Events
     * before the first such event belong to no session, and {@value #BUDGET_CHANGED} events end none.
     */
    public static List<Session> sessions(List<StudyEvent> events) {
        List<Session> out = new ArrayList<>();
        Instant start = null;
        Instant last = null;
        for (StudyEvent e : events) {
            // Upgrading an older store's trial keys opens the session that resumes it: the pause before is no
            // session's time.
            if (STUDY_CREATED.equals(e.type()) || STUDY_RESUMED.equals(e.type())
                    || TrialKeyUpgrade.EVENT.equals(e.type())) {
                if (start != null) {
                    out.add(session(start, last));
                }
                start = e.time();
            } else if (BUDGET_CHANGED.equals(e.type())) {
                continue; // a change made between sessions is no session's time
            }
            last = e.time();
        }
        if (start != null) {
            out.add(session(start, last));
        }
        return out;
    }

    private static Session session(Instant start, Instant last) {
        // A clock set back within a session must not make its length negative.
        return new Session(start, last.isBefore(start) ? start : last);
    }
}
