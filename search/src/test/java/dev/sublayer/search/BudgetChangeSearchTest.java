package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.StudyStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sublayer study budget}: a running search takes the new totals at its next generation; a stopped study at once. */
class BudgetChangeSearchTest {

    @TempDir
    Path tmp;

    /** Runs the study of {@code yaml} in {@code dir}, asking for {@code change} when generation 0 is done. */
    private static Run runChangingAfterGeneration0(String yaml, Path dir, BudgetChange change) {
        List<String> changes = new ArrayList<>();
        List<Search.BudgetOutcome> outcomes = new ArrayList<>();
        Search search = TestStudies.open(yaml, dir, TestStudies.stub(new StubEngine.Counters(), 0));
        SearchOutcome o = search.run(new SearchListener() {
            @Override
            public void generationDone(GenerationSummary summary, dev.sublayer.storage.StudyStorage store) {
                if (summary.generation() == 0) {
                    try {
                        outcomes.add(Search.changeBudget(dir, change));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }

            @Override
            public void budgetChanged(StudyConfig.StudyBudget budget, String what) {
                changes.add(what + " => " + budget.maxTrials());
            }
        });
        return new Run(o, outcomes, changes);
    }

    private record Run(SearchOutcome outcome, List<Search.BudgetOutcome> requests, List<String> changes) {
    }

    @Test
    void aRunningSearchTakesARaisedBudgetAtItsNextGenerationAndRecordsIt() {
        String yaml = TestStudies.yaml("random", 3, 12, "");
        Path dir = tmp.resolve("s");
        Run run = runChangingAfterGeneration0(yaml, dir, BudgetChange.of(18L, null, null, null));
        // The store is the search's: the change is requested, then applied by the search.
        assertThat(run.requests()).containsExactly(new Search.BudgetOutcome(false, "max_trials 18"));
        assertThat(run.changes()).containsExactly("max_trials 12 -> 18 => 18");
        assertThat(run.outcome().state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(run.outcome().reason()).isEqualTo("max_trials (18) reached: 18 candidates trained");
        assertThat(dir.resolve(BudgetRequests.FILE_NAME)).doesNotExist();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.events()).filteredOn(e -> e.type().equals(StudyEvent.BUDGET_CHANGED))
                    .extracting(StudyEvent::message).containsExactly("budget changed: max_trials 12 -> 18");
            // Generation 0 was planned with the old budget, generation 1 after the change.
            List<String> order = s.events().stream().map(StudyEvent::type)
                    .filter(t -> t.equals("generation_done") || t.equals(StudyEvent.BUDGET_CHANGED)).toList();
            assertThat(order).startsWith("generation_done", StudyEvent.BUDGET_CHANGED, "generation_done");
            // The stored config is what a resume continues with.
            assertThat(StudyConfigReader.read(s.info().configAsGiven()).budget().maxTrials()).isEqualTo(18);
            assertThat(s.info().configAsGiven()).contains("budget: {max_trials: 18}");
        }
    }

    @Test
    void aBudgetBelowWhatIsSpentEndsTheStudyCleanly() {
        String yaml = TestStudies.yaml("random", 3, 24, "");
        Path dir = tmp.resolve("s");
        Run run = runChangingAfterGeneration0(yaml, dir, BudgetChange.of(3L, null, null, null));
        assertThat(run.changes()).containsExactly("max_trials 24 -> 3 => 3");
        assertThat(run.outcome().state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(run.outcome().reason()).isEqualTo("max_trials (3) reached: 6 candidates trained");
        assertThat(run.outcome().generations()).isEqualTo(1);
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.info().studyStatus()).contains(StudyStatus.FINISHED);
            // Ended as a spent budget ends: the front re-evaluated, the study finished.
            assertThat(s.trials()).anySatisfy(t -> assertThat(t.origin().isReevaluation()).isTrue());
            assertThat(s.events()).extracting(StudyEvent::type).contains("budget_reached");
        }
    }

    @Test
    void aStoppedStudyIsChangedAtOnceAndResumeContinuesToTheNewBudget() throws IOException {
        String yaml = TestStudies.yaml("random", 3, 12, "");
        Path dir = tmp.resolve("s");
        SearchOutcome first = TestStudies.open(yaml, dir, TestStudies.stub(new StubEngine.Counters(), 0))
                .run(SearchListener.NONE);
        assertThat(first.trainedCandidates()).isEqualTo(12);
        double wallBefore;
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            wallBefore = BudgetUse.wallSeconds(StudyEvent.sessions(s.events()));
        }
        // A request the last session left untaken is merged, the later limit winning.
        BudgetRequests.request(dir, BudgetChange.of(14L, 9L, null, null));
        Search.BudgetOutcome changed = Search.changeBudget(dir, BudgetChange.of(18L, null, null, null));
        assertThat(changed).isEqualTo(new Search.BudgetOutcome(true,
                "max_trials 12 -> 18, max_generations unlimited -> 9"));
        assertThat(dir.resolve(BudgetRequests.FILE_NAME)).doesNotExist();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.events().getLast().type()).isEqualTo(StudyEvent.BUDGET_CHANGED);
            assertThat(s.events()).extracting(StudyEvent::type).doesNotContain(StudyEvent.STUDY_RESUMED);
            // A change between sessions is no session's time.
            assertThat(BudgetUse.wallSeconds(StudyEvent.sessions(s.events()))).isEqualTo(wallBefore);
            assertThat(s.info().studyStatus()).contains(StudyStatus.FINISHED);
        }
        SearchOutcome resumed = Search.resume(dir, w -> w, TestStudies.stub(new StubEngine.Counters(), 0))
                .run(SearchListener.NONE);
        assertThat(resumed.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(resumed.trainedCandidates()).isEqualTo(18);
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trials().stream().filter(t -> t.rung() == 0 && !t.origin().isReevaluation())
                    .map(TrialRecord::architecture).distinct().count()).isEqualTo(18);
        }
    }
}
