package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sublayer.reports.StudyAnalysis.ArchResult;
import dev.sublayer.reports.StudyAnalysis.StackingVerdict.Outcome;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StudyAnalysisTest {

    @Test
    void reevaluationsAreAveragedIntoOneGroupWithStd() {
        List<TrialRecord> t = List.of(
                Trials.completed("A2 F128", 1, 1.2, "reeval"),
                Trials.completed("A2 F128", 1, 1.0, "nsga2"),
                Trials.completed("A2 F128", 1, 1.1, "reeval"),
                Trials.completed("A2 F128", 0, 1.9, "nsga2"));
        StudyAnalysis a = new StudyAnalysis(Trials.view(t, Trials.front(t.get(1))));
        assertThat(a.groups()).hasSize(2);
        assertThat(a.topRung()).isEqualTo(1);
        ArchResult g = a.topGroups().getFirst();
        assertThat(g.seeds()).isEqualTo(3);
        assertThat(g.bpbMean()).isCloseTo(1.1, within(1e-12));
        assertThat(g.bpbStd()).isCloseTo(0.1, within(1e-12));
        assertThat(g.representative()).as("the proposing trial, not a re-evaluation").isEqualTo(1);
        assertThat(a.groups().get(1).bpbStd()).isNaN();
        assertThat(HtmlReport.page(a).front().getFirst().bpb()).isEqualTo("1.1000 ± 0.1000");
    }

    @Test
    void theFrontIsTheSearchsStoredFrontInItsOrderWithTheSpreadOverSeedsAdded() {
        List<TrialRecord> t = List.of(
                Trials.completed("A2", 0, 0.5, "nsga2"),            // lower rung: never on a rung-1 front
                Trials.completed("A2 F128 F128", 1, 1.0, "nsga2"),
                Trials.completed("A2 F128 F128", 1, 1.4, "reeval"),
                Trials.completed("A2 F128", 1, 1.1, "template:interleaved"));
        // On single-seed values both are on the front; on means (1.2 against 1.1 with fewer parameters) "A2 F128"
        // would dominate "A2 F128 F128". The search ranks single-seed values, and the report shows its front.
        StudyAnalysis a = new StudyAnalysis(Trials.view(t, Trials.front(t.get(1), t.get(3))));
        assertThat(a.front()).extracting(g -> g.arch().notation()).containsExactly("A2 F128 F128", "A2 F128");
        assertThat(a.frontRung()).isEqualTo(1);
        assertThat(a.front().get(1).template()).isEqualTo("interleaved");
        assertThat(StudyAnalysis.origin(a.front().get(1))).isEqualTo("template interleaved");
        List<ReportPage.FrontRow> rows = HtmlReport.page(a).front();
        assertThat(rows).extracting(ReportPage.FrontRow::rank, ReportPage.FrontRow::bpb, ReportPage.FrontRow::seeds)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "1.2000 ± 0.2828", 2),
                        org.assertj.core.groups.Tuple.tuple(2, "1.1000", 1));
        String md = ReportWriter.render(Trials.view(t, Trials.front(t.get(1), t.get(3))), ReportFormat.MARKDOWN);
        assertThat(md).contains("| 1 | `A2 F128 F128` |").contains("| 2 | `A2 F128` |").contains("| front size | 2 |");
    }

    @Test
    void anEmptyStoredFrontShowsNoFrontWhateverTheTrials() {
        List<TrialRecord> t = List.of(Trials.completed("A2 F128", 1, 1.0, "nsga2"));
        StudyAnalysis a = new StudyAnalysis(Trials.view(t));
        assertThat(a.front()).isEmpty();
        assertThat(a.frontRung()).isEqualTo(-1);
        assertThat(a.topGroups()).hasSize(1);
    }

    @Test
    void templatesAreReportedAtTheHighestRungTheyReached() {
        List<TrialRecord> t = List.of(
                Trials.completed("A2 F128 A2 F128", 0, 2.0, "template:interleaved"),
                Trials.completed("A2 F128 A2 F128", 1, 1.6, "template:interleaved"),
                Trials.completed("A2 F128 A2 F128", 1, 1.7, "reeval"),
                Trials.completed("A2 A2 F128 F128", 0, 1.9, "template:sandwich_1"),
                Trials.completed("A2 F128 F128", 1, 1.5, "nsga2"));
        StudyAnalysis a = new StudyAnalysis(Trials.view(t));
        assertThat(a.templates()).extracting(ArchResult::template, ArchResult::rung, ArchResult::seeds)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("interleaved", 1, 2),
                        org.assertj.core.groups.Tuple.tuple("sandwich_1", 0, 1));
        assertThat(a.templates().getFirst().bpbMean()).isCloseTo(1.65, within(1e-12));
        String md = ReportWriter.render(Trials.view(t), ReportFormat.MARKDOWN);
        assertThat(md).contains("| interleaved | `A2 F128 A2 F128` | 1 | ").contains("| 1.6500 ± 0.0707 | 2 |");
        String html = ReportWriter.render(Trials.view(t), ReportFormat.HTML);
        assertThat(HtmlReportTest.count(html, "<td><b>interleaved</b></td>")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void twoDimensionalFrontLinesAreStaircasesUnderEveryGroup(long seed) {
        Random rnd = new Random(seed);
        String[] layouts = {"A2", "A2 F64", "A2 F128", "F256 A4", "A2 F64 F64", "A4 F128 A4 F128", "F64 F64 A2",
                "A2 A2 F256", "A4 F256 F256 A4", "A2 F128 A2 F64 F64"};
        List<TrialRecord> t = new ArrayList<>();
        for (String l : layouts) {
            t.add(Trials.completed(l, 2, 1 + rnd.nextDouble(), "nsga2"));
        }
        StudyAnalysis a = new StudyAnalysis(Trials.view(t));
        List<ArchResult> f2 = StudyAnalysis.front2d(a.topGroups(), ArchResult::params);
        for (int i = 1; i < f2.size(); i++) {
            assertThat(f2.get(i).params()).isGreaterThanOrEqualTo(f2.get(i - 1).params());
            assertThat(f2.get(i).bpbMean()).isLessThan(f2.get(i - 1).bpbMean());
        }
        for (ArchResult g : a.topGroups()) {
            assertThat(f2).anyMatch(f -> f.params() <= g.params() && f.bpbMean() <= g.bpbMean());
        }
    }

    /** Bits/byte exactly linear in ln(params), plus {@code effect} for every stacked layout. */
    private static List<TrialRecord> lawful(double effect, double noise, long seed) {
        Random rnd = new Random(seed);
        String[] interleaved = {"A2 F64", "A2 F128 A2 F128", "A2 F256 A2 F64", "A4 F64 A4 F64 A4 F64", "A2 F256"};
        String[] stacked = {"A2 F64 F64", "A2 F128 F128 A2", "A4 F256 F256 F256", "A2 F64 F64 A2 F64 F64", "F128 F128 A2"};
        List<TrialRecord> t = new ArrayList<>();
        for (String[] set : new String[][] {interleaved, stacked}) {
            for (String l : set) {
                TrialRecord probe = Trials.completed(l, 1, 1, "nsga2");
                double params = probe.result().metrics().nonEmbeddingParams();
                double bpb = 3 - 0.1 * Math.log(params) + (set == stacked ? effect : 0) + noise * rnd.nextGaussian();
                t.add(Trials.completed(l, 1, bpb, "nsga2"));
            }
        }
        return t;
    }

    @Test
    void sizeAdjustmentRemovesSizeAndExposesTheStackingEffect() {
        StudyAnalysis exact = new StudyAnalysis(Trials.view(lawful(0, 0, 1)));
        assertThat(exact.sizeAdjusted()).isTrue();
        assertThat(exact.fitSlope()).isCloseTo(-0.1, within(1e-9));
        exact.topGroups().forEach(g -> assertThat(exact.delta(g)).isCloseTo(0, within(1e-9)));

        StudyAnalysis helps = new StudyAnalysis(Trials.view(lawful(-0.05, 0.002, 2)));
        assertThat(helps.stacking().outcome()).isEqualTo(Outcome.STACKING_HELPS);
        assertThat(helps.stacking().difference()).isCloseTo(-0.05, within(0.01));
        assertThat(HtmlReport.verdict(helps).headline()).startsWith("Stacking FFNs helps");

        StudyAnalysis hurts = new StudyAnalysis(Trials.view(lawful(0.05, 0.002, 3)));
        assertThat(hurts.stacking().outcome()).isEqualTo(Outcome.STACKING_HURTS);

        StudyAnalysis noise = new StudyAnalysis(Trials.view(lawful(0, 0.05, 4)));
        assertThat(noise.stacking().outcome()).isEqualTo(Outcome.NO_CLEAR_DIFFERENCE);
    }

    @Test
    void tooFewArchitecturesGiveNoVerdictAndNoSizeAdjustment() {
        StudyAnalysis a = new StudyAnalysis(Trials.view(List.of(Trials.completed("A2 F64", 0, 2, "nsga2"),
                Trials.completed("A2 F64 F64", 0, 1.9, "nsga2"))));
        assertThat(a.sizeAdjusted()).isFalse();
        assertThat(a.orderingValue(a.topGroups().getFirst())).isEqualTo(2.0);
        assertThat(a.stacking().outcome()).isEqualTo(Outcome.INSUFFICIENT);
        assertThat(a.runGroups()).extracting(StudyAnalysis.RunGroup::longestRun).containsExactly(1, 2);
    }

    @Test
    void depthHeatCountsAttentionPerDepthInTheBestQuartile() {
        // Eight architectures; with no size adjustment (one size) the best quartile is the two lowest bits/byte.
        List<TrialRecord> t = List.of(
                Trials.completed("A2 F64 F64", 0, 1.0, "nsga2"),
                Trials.completed("F64 A2 F64", 0, 1.1, "nsga2"),
                Trials.completed("F64 F64 A2", 0, 1.5, "nsga2"),
                Trials.completed("F64 F64 A2", 0, 1.6, "nsga2"),
                Trials.completed("F64 F64 A2", 0, 1.7, "nsga2"),
                Trials.completed("F64 F64 A2", 0, 1.8, "nsga2"),
                Trials.completed("F64 F64 A2 F64", 0, 1.9, "nsga2"),
                Trials.completed("F64 F64 A2 F64", 0, 2.0, "nsga2"));
        StudyAnalysis a = new StudyAnalysis(Trials.view(t));
        StudyAnalysis.DepthHeat h = a.depthHeat();
        assertThat(h.maxDepth()).isEqualTo(4);
        // Groups merge identical architectures: 4 distinct layouts, so the best quartile is one architecture.
        assertThat(h.bestCount()).isEqualTo(1);
        assertThat(h.bestAttention()).containsExactly(1.0, 0.0, 0.0, Double.NaN);
        assertThat(h.restAttention()).containsExactly(0.0, 1.0 / 3, 2.0 / 3, 0.0);
        assertThat(h.restAtDepth()).containsExactly(3, 3, 3, 1);
    }

    @Test
    void failuresAreCountedButNotPlotted() {
        List<TrialRecord> t = List.of(
                Trials.completed("A2 F64", 0, 2, "nsga2"),
                Trials.failed("A2 F64 F64", TrialStatus.DIVERGED, "loss became NaN at step 40"),
                Trials.failed("A2", TrialStatus.REJECTED, "too big"),
                Trials.record("not a notation", 0, "nsga2", Trials.completed("A2", 0, 1.5, "x").result()));
        StudyAnalysis a = new StudyAnalysis(Trials.view(t));
        assertThat(a.statusCounts().get(TrialStatus.COMPLETED)).isEqualTo(2);
        assertThat(a.statusCounts().get(TrialStatus.DIVERGED)).isEqualTo(1);
        assertThat(a.trialsTrained()).isEqualTo(3);
        assertThat(a.groups()).hasSize(2);
        assertThat(a.rows().get(1).group()).isEqualTo(-1);
        assertThat(a.rows().get(3).arch()).isNull();
        assertThat(a.rows().get(3).params()).as("measured, though the notation does not parse").isPositive();
        assertThat(a.rows().get(2).params()).as("from the cost model for a rejected trial").isPositive();
    }
}
