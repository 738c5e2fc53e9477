package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's budget figures are the search's: FLOPs, candidates and wall time counted as the search counts them. */
class BudgetFiguresTest {

    private static final Instant T0 = Trials.T0;

    private static TrialRecord trial(String key, String arch, int rung, long seed, int generation, Origin origin,
                                     TrialStatus status, double trainingFlops) {
        TrialMetrics m = status == TrialStatus.REJECTED ? TrialMetrics.none()
                : new TrialMetrics(1.5, 2.1, 0.4, 9000, 4000, 18000, trainingFlops, 100, 6400, 0.1, 2.0, 0.2,
                        3200, 1L << 26, 1L << 25);
        return new TrialRecord(key, "d64 n32 pre: " + arch, rung, seed, Budget.steps(100L << rung), generation, origin,
                "w0", T0, T0.plusSeconds(5), new TrialResult(status, m, List.of(), "", SyntheticStudy.PROVENANCE));
    }

    private static StudyView view(List<TrialRecord> trials, List<StudyEvent> events) {
        StudyPlan plan = StudyPlan.of(Trials.OBJECTIVES, 10, Long.MAX_VALUE, 1, 1e12, "nsga2");
        return new StudyView(Trials.info("budget", ""), plan, StudyFront.empty(Trials.OBJECTIVES), trials, List.of(),
                events, T0.plusSeconds(200_000));
    }

    @Test
    void trainingFlopsCountEachArchitectureAndSeedOnce() {
        Origin nsga2 = Origin.proposal("nsga2");
        List<TrialRecord> trials = List.of(
                trial("a0", "A2 F64", 0, 1, 0, nsga2, TrialStatus.COMPLETED, 1e9),
                // Promoted: continues a0's checkpoint, so its 3e9 include a0's 1e9.
                trial("a1", "A2 F64", 1, 1, 0, nsga2, TrialStatus.COMPLETED, 3e9),
                // A re-evaluation seed trains from scratch: its FLOPs are new.
                trial("a1r", "A2 F64", 1, 2, -1, Origin.reevaluation(), TrialStatus.COMPLETED, 2e9),
                trial("b0", "A2 F64 F64", 0, 1, 0, nsga2, TrialStatus.COMPLETED, 1e9));
        StudyAnalysis a = new StudyAnalysis(view(trials, List.of()));
        assertThat(a.budgetUse().trainingFlops()).isEqualTo(6e9);
        assertThat(ReportWriter.render(view(trials, List.of()), ReportFormat.MARKDOWN))
                .contains(" 6.00G training FLOPs of 1.00T |");
    }

    @Test
    void rejectedAndFailedCandidatesUseTheirPlaceInMaxTrialsAsInTheSearch() {
        Origin nsga2 = Origin.proposal("nsga2");
        List<TrialRecord> trials = List.of(
                trial("a", "A2 F64", 0, 1, 0, nsga2, TrialStatus.COMPLETED, 1e9),
                trial("b", "A2 F128", 0, 1, 0, nsga2, TrialStatus.REJECTED, 0),
                trial("c", "A2 F32", 0, 1, 1, nsga2, TrialStatus.FAILED, 0),
                trial("d", "A2 F64", 0, 2, -1, Origin.reevaluation(), TrialStatus.COMPLETED, 1e9),
                trial("e", "A2 F16", 0, 1, 1, nsga2, TrialStatus.INTERRUPTED, 0));
        StudyAnalysis a = new StudyAnalysis(view(trials, List.of()));
        assertThat(a.budgetUse().candidates()).isEqualTo(3);
        assertThat(ReportWriter.render(view(trials, List.of()), ReportFormat.MARKDOWN))
                .contains("| compute | 3 of 10 candidates trained at rung 0, ");
        assertThat(HtmlReport.page(a).budget().getFirst())
                .isEqualTo(new ReportPage.BudgetLine("candidates trained (rung 0)", "3", "10", 30));
    }

    @Test
    void wallTimeIsTheSumOfTheSessionsWithoutThePausesBetweenThem() {
        List<StudyEvent> events = List.of(
                new StudyEvent(T0, StudyEvent.STUDY_CREATED, "study created"),
                new StudyEvent(T0.plusSeconds(600), "trial_finished", "k1"),
                // A day later the study is resumed for five more minutes.
                new StudyEvent(T0.plusSeconds(86_400), StudyEvent.STUDY_RESUMED, "study resumed"),
                new StudyEvent(T0.plusSeconds(86_700), "budget_reached", "max_wall_hours"));
        StudyView v = view(List.of(), events);
        StudyAnalysis a = new StudyAnalysis(v);
        assertThat(a.sessions()).hasSize(2);
        assertThat(a.budgetUse().wallSeconds()).isEqualTo(900);
        assertThat(ReportWriter.render(v, ReportFormat.MARKDOWN)).contains(", 15 min 0 s wall time in 2 sessions |");
        assertThat(HtmlReport.page(a).budget()).contains(new ReportPage.BudgetLine(
                "wall time (2 sessions, pauses excluded)", "15 min 0 s", "60.0 min", 25));
    }
}
