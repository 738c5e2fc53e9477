package dev.sublayer.cli;

import dev.sublayer.search.progress.SearchProgress;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * How {@code study info}, {@code report} and {@code export} open a study: stopped or running, read-only, through
 * {@link StudyStore#openForReading} (a running study is read from the snapshot its search publishes, never beside
 * its writer), and how they say that what they read is a snapshot, and how old.
 */
final class StudyReading {

    private StudyReading() {
    }

    /** Opens the study in {@code dir} for reading; store problems are bad input (exit 2, one line). */
    static StudyStore open(Path dir) {
        try {
            return StudyStore.openForReading(dir);
        } catch (StoreException e) {
            throw StoreErrors.badInput(e);
        }
    }

    /**
     * When the snapshot that {@code store} reads was taken, for the "as of" time of what is shown; {@code now} when
     * it reads the study's store itself.
     */
    static Instant asOf(StudyStore store, Instant now) {
        return store.snapshotTime().orElse(now);
    }

    /** How old the snapshot that {@code store} reads is at {@code now}, in seconds; empty for the store itself. */
    static Optional<Double> ageSeconds(StudyStore store, Instant now) {
        return store.snapshotTime().map(t -> Math.max(0, Duration.between(t, now).toMillis() / 1000.0));
    }

    /**
     * The line that says a running study was read from a snapshot, e.g.
     * {@code study runs/q is running: read from its snapshot of 2026-12-05T10:00:03Z (4 s old)}; empty when
     * {@code store} is the study's store itself.
     */
    static Optional<String> note(StudyStore store, Path dir, Instant now) {
        return store.snapshotTime().map(t -> "study " + dir + " is running: read from its snapshot of "
                + t.truncatedTo(ChronoUnit.SECONDS) + " (" + SearchProgress.duration(ageSeconds(store, now).orElse(0.0))
                + " old)");
    }
}
