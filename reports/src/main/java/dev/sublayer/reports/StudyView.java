package dev.sublayer.reports;

import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.StudyFront;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a report shows, read from a study store at one moment: an immutable snapshot, so a report is
 * rendered from consistent data while a search keeps writing, and so tests can build one directly.
 *
 * <p>The front is the one the search computed and stored ({@code StudyResults} in the search module); the report
 * shows it as given and never ranks trials itself.
 *
 * @param info        the study's description, configuration and lifecycle state
 * @param plan        the study's objectives, budget and strategy
 * @param front       the study's front, as the search stored it
 * @param trials      every trial in insertion order
 * @param generations the generation checkpoints, oldest first
 * @param events      the event log, oldest first
 * @param generatedAt when the snapshot was taken (the report's "as of" time)
 */
public record StudyView(
        StudyInfo info,
        StudyPlan plan,
        StudyFront front,
        List<TrialRecord> trials,
        List<GenerationRecord> generations,
        List<StudyEvent> events,
        Instant generatedAt) {

    public StudyView {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(front, "front");
        trials = List.copyOf(trials);
        generations = List.copyOf(generations);
        events = List.copyOf(events);
        Objects.requireNonNull(generatedAt, "generatedAt");
    }

    /** A snapshot of {@code store} with the study's plan and front. */
    public static StudyView of(StudyStorage store, StudyPlan plan, StudyFront front, Instant now) {
        return new StudyView(store.info(), plan, front, store.trials(), store.generations(), store.events(), now);
    }
}
