package dev.sublayer.storage;

import java.time.Instant;
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

    public StudyEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
    }
}
