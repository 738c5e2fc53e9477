package dev.sublayer.storage;

import dev.sublayer.trial.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a study's event log (e.g. {@code trial_started}, {@code trial_finished},
 * {@code generation_done}, {@code study_resumed}).
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

    public StudyEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }

    /**
     * The sessions of a log, oldest first: each runs from a {@value #STUDY_CREATED} or {@value #STUDY_RESUMED}
     * event to the last event before the next such event (the last session to the log's last event). Events
     * before the first such event belong to no session.
     */
    public static List<Session> sessions(List<StudyEvent> events) {
        List<Session> out = new ArrayList<>();
        Instant start = null;
        Instant last = null;
        for (StudyEvent e : events) {
            if (STUDY_CREATED.equals(e.type()) || STUDY_RESUMED.equals(e.type())) {
                if (start != null) {
                    out.add(session(start, last));
                }
                start = e.time();
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
