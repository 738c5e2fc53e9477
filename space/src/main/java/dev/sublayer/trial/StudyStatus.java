package dev.sublayer.trial;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a study stands in its life. The store keeps the {@linkplain #configName() lower-case name}; the search
 * sets it, and {@code front.json}, {@code study info} and the report show it.
 */
public enum StudyStatus {
    /** Created; no search session has run yet. */
    CREATED,
    /** A search session is running (or the process running it died). */
    RUNNING,
    /** The study budget was reached and the front re-evaluated: a later search trains nothing. */
    FINISHED,
    /** A session was stopped before the budget was reached; {@code sublayer resume} continues it. */
    INTERRUPTED;

    /** The lower-case name stores and JSON use, e.g. {@code finished}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status stored as {@code text}, or empty for a text no status has. */
    public static Optional<StudyStatus> parse(String text) {
        for (StudyStatus s : values()) {
            if (s.configName().equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
