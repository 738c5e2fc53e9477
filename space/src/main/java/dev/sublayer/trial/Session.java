package dev.sublayer.trial;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One search session of a study: from the moment the study was created or resumed to the last thing it
 * recorded. The pauses between sessions are not part of any session, so a study's wall time is the sum of its
 * sessions' durations.
 *
 * @param start when the session began
 * @param end   the last moment it recorded, not before {@code start}
 */
public record Session(Instant start, Instant end) {

    public Session {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("session end " + end + " is before its start " + start);
        }
    }

    /** The session's length in seconds, to the millisecond. */
    public double seconds() {
        return Duration.between(start, end).toMillis() / 1000.0;
    }
}
