package dev.sublayer.reports;

import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a report shows, read from a study store at one moment: an immutable snapshot, so a report is
 * rendered from consistent data while a search keeps writing, and so tests can build one directly.
 *
 * @param info        the study's description, configuration and lifecycle state
 * @param plan        the study's objectives, budget and strategy
 * @param trials      every trial in insertion order
 * @param generations the generation checkpoints, oldest first
 * @param events      the event log, oldest first
 * @param generatedAt when the snapshot was taken (the report's "as of" time)
 */
public record StudyView(
        StudyInfo info,
        StudyPlan plan,
        List<TrialRecord> trials,
        List<GenerationRecord> generations,
        List<StudyEvent> events,
        Instant generatedAt) {

    public StudyView {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(plan, "plan");
        trials = List.copyOf(trials);
        generations = List.copyOf(generations);
        events = List.copyOf(events);
        Objects.requireNonNull(generatedAt, "generatedAt");
    }

    /**
     * A snapshot of {@code store} with the plan read from its resolved configuration
     * ({@link StudyPlan#fromConfig(String)}).
     */
    public static StudyView of(StudyStorage store, Instant now) {
        StudyInfo info = store.info();
        return of(store, StudyPlan.fromConfig(info.configResolved()), now);
    }

    /** A snapshot of {@code store} with the given plan (the search passes the plan it runs). */
    public static StudyView of(StudyStorage store, StudyPlan plan, Instant now) {
        return new StudyView(store.info(), plan, store.trials(), store.generations(), store.events(), now);
    }
}
