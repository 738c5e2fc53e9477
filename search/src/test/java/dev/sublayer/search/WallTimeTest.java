package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyEvent;
import dev.sublayer.trial.BudgetUse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The search's wall-time budget counts the sessions, not the pauses between them, as the report does. */
class WallTimeTest {

    @Test
    void earlierSessionsCountWithoutThePausesBetweenThem() {
        Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
        List<StudyEvent> events = List.of(
                new StudyEvent(t0, StudyEvent.STUDY_CREATED, "created"),
                new StudyEvent(t0.plusSeconds(600), "trial_finished", "k1"),
                new StudyEvent(t0.plusSeconds(86_400), StudyEvent.STUDY_RESUMED, "resumed"),
                new StudyEvent(t0.plusSeconds(86_700), "search_stopped", "Ctrl-C"),
                // This session's own start: it has only just begun.
                new StudyEvent(t0.plusSeconds(200_000), StudyEvent.STUDY_RESUMED, "resumed"));
        assertThat(BudgetPolicy.wallSecondsBefore(events)).isEqualTo(900.0);
        // The report and study info count all sessions with the same class; this one adds nothing yet.
        assertThat(BudgetUse.wallSeconds(StudyEvent.sessions(events))).isEqualTo(900.0);
    }
}
