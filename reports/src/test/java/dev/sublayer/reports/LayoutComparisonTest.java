package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sublayer.reports.LayoutComparison.Outcome;
import dev.sublayer.storage.TrialRecord;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Named layouts of a fixed-layout study against interleaved, with Welch's t-test. */
class LayoutComparisonTest {

    /** Two-sided critical values of Student's t at 5% (standard tables) give p = 0.05. */
    @ParameterizedTest
    @CsvSource({"12.706, 1", "4.303, 2", "2.776, 4", "2.228, 10", "1.960, 100000"})
    void pValueMatchesTabulatedCriticalValues(double t, double df) {
        assertThat(LayoutComparison.twoSidedP(t, df)).isCloseTo(0.05, within(2e-4));
        assertThat(LayoutComparison.twoSidedP(-t, df)).isCloseTo(0.05, within(2e-4));
        assertThat(LayoutComparison.twoSidedP(0, df)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void layoutLabelsNameTheirGroupsAndAreTestedAgainstInterleaved() {
        List<TrialRecord> t = List.of(
                Trials.completed("A2 F128 A2 F128", 0, 2.00, "layout:interleaved"),
                Trials.completed("A2 F128 A2 F128", 0, 2.02, "layout:interleaved"),
                Trials.completed("A2 F128 A2 F128", 0, 1.98, "layout:interleaved"),
                // clearly worse: 0.3 above with the same noise
                Trials.completed("A2 F64 F64 A2 F64 F64", 0, 2.30, "layout:stacked_2"),
                Trials.completed("A2 F64 F64 A2 F64 F64", 0, 2.32, "layout:stacked_2"),
                Trials.completed("A2 F64 F64 A2 F64 F64", 0, 2.28, "layout:stacked_2"),
                // within noise: 0.01 below with noise of 0.05
                Trials.completed("A2 A2 F128 F128", 0, 1.94, "layout:sandwich"),
                Trials.completed("A2 A2 F128 F128", 0, 2.04, "layout:sandwich"),
                Trials.completed("A2 A2 F128 F128", 0, 1.99, "layout:sandwich"),
                // one seed: no test
                Trials.completed("F128 A2 F128 A2", 0, 1.50, "layout:single"));
        StudyAnalysis a = new StudyAnalysis(Trials.view(t));
        assertThat(a.templates()).extracting(StudyAnalysis.ArchResult::template)
                .containsExactly("single", "sandwich", "interleaved", "stacked_2");
        assertThat(a.strategyCounts()).containsEntry("layout", 10);
        List<LayoutComparison> c = a.versusReference();
        assertThat(c).extracting(LayoutComparison::layout).containsExactly("sandwich", "stacked_2");
        assertThat(c.get(0).outcome()).isEqualTo(Outcome.WITHIN_NOISE);
        assertThat(c.get(1).outcome()).isEqualTo(Outcome.WORSE);
        assertThat(c.get(1).difference()).isCloseTo(0.30, within(1e-9));
        assertThat(c.get(1).se()).isCloseTo(Math.sqrt(2 * 0.0004 / 3), within(1e-9));
        assertThat(c.get(1).df()).isCloseTo(4.0, within(1e-9));

        // The search's front of these layouts: "single" dominates every other on single-seed values.
        String md = ReportWriter.render(Trials.view(t, Trials.front(t.get(9))), ReportFormat.MARKDOWN);
        assertThat(md).contains("## Against interleaved").contains("| stacked\\_2 | 3 | +0.3000 |").contains("| worse |")
                .contains("| within seed noise |");
        assertThat(md).contains("| layout single |");
        String html = ReportWriter.render(Trials.view(t), ReportFormat.HTML);
        assertThat(html).contains("id=\"comparison-table\"");
        assertThat(HtmlReportTest.count(html, "<td><b>stacked_2</b></td>")).isEqualTo(2);
    }

    @Test
    void noReferenceNoComparison() {
        List<TrialRecord> t = List.of(
                Trials.completed("A2 F128 A2 F128", 0, 2.00, "layout:baseline"),
                Trials.completed("A2 F128 A2 F128", 0, 2.02, "layout:baseline"),
                Trials.completed("A2 A2 F128 F128", 0, 1.94, "layout:sandwich"),
                Trials.completed("A2 A2 F128 F128", 0, 2.04, "layout:sandwich"));
        assertThat(new StudyAnalysis(Trials.view(t)).versusReference()).isEmpty();
        assertThat(ReportWriter.render(Trials.view(t), ReportFormat.HTML)).doesNotContain("id=\"comparison-table\"");
    }
}
