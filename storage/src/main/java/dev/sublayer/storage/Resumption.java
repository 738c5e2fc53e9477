package dev.sublayer.storage;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What reopening a study for writing changes, in one commit: every trial still {@code RUNNING} (its process
 * died) becomes {@code INTERRUPTED}, to be retried under the same key, and a {@code study_resumed} event names
 * them.
 *
 * @param interrupted the running trials, marked interrupted (metrics and curve kept)
 * @param event       the {@code study_resumed} event
 */
record Resumption(List<TrialRecord> interrupted, StudyEvent event) {

    /** The failure text of a trial found running when its study was reopened. */
    static final String WHY = "the process ended while the trial was running";

    private static final Logger LOG = LogManager.getLogger(StudyStore.class);

    Resumption {
        interrupted = List.copyOf(interrupted);
    }

    /** The resumption of a study whose running trials are {@code running}. */
    static Resumption of(List<TrialRecord> running) {
        return new Resumption(running.stream().map(t -> t.interrupted(WHY)).toList(),
                StudyEvent.studyResumed(running, Instant.now()));
    }

    /** Warns, once the resumption is committed, if it interrupted trials of the study in {@code dir}. */
    void warnIfInterrupted(Path dir) {
        if (!interrupted.isEmpty()) {
            LOG.warn("study {}: {} trial(s) were running when the last process ended; marked interrupted",
                    dir, interrupted.size());
        }
    }
}
