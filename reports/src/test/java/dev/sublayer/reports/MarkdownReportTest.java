package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    @Test
    void summaryHasKeyNumbersAndTheFrontAsATable() {
        SyntheticStudy s = SyntheticStudy.generate(2, 150, "md-study", "First paragraph.\n\nSecond one.", true);
        StudyView v = s.view(Trials.T0.plusSeconds(99_999));
        StudyAnalysis a = new StudyAnalysis(v);
        String md = ReportWriter.render(v, ReportFormat.MARKDOWN);
        assertThat(md).startsWith("# md-study — Sublayer study report\n\nFirst paragraph.\n\nSecond one.\n");
        assertThat(md).contains("| status | finished |").contains("| front size | " + a.front().size() + " |")
                .contains("| strategy | nsga2 |").contains("Study seed 7");
        // Each synthetic generation kept its 2 slots 90% busy: the study as a whole too.
        int gens = v.generations().size();
        assertThat(md).contains("| worker utilisation | 90% (busy " + 90 * gens + " of " + 100 * gens
                + " slot-seconds, 2 slots) |");
        List<String> frontRows = Arrays.stream(md.split("\n"))
                .filter(l -> l.matches("\\| \\d+ \\| `.*")).toList();
        assertThat(frontRows).hasSize(a.front().size());
        assertThat(frontRows.getFirst()).contains("`" + a.front().getFirst().arch().notation() + "`");
        // Every table row has the same number of cells as its header.
        assertThat(frontRows).allSatisfy(r -> assertThat(r.chars().filter(c -> c == '|').count()).isEqualTo(8));
    }

    @Test
    void userTextCannotChangeTheDocument() {
        assertThat(MarkdownReport.inline("a|b *c* [x](javascript:y) <b>&")).isEqualTo("a\\|b \\*c\\* \\[x\\](javascript:y) &lt;b&gt;&amp;");
        assertThat(MarkdownReport.inline("# not a heading")).isEqualTo("\\# not a heading");
        assertThat(MarkdownReport.inline("12. not a list")).isEqualTo("12\\. not a list");
        assertThat(MarkdownReport.inline("line\nbreak")).isEqualTo("line break");
        assertThat(MarkdownReport.inline("plain (text) - ok.")).isEqualTo("plain (text) - ok.");
        String md = ReportWriter.render(Trials.view(Trials.info("x | y", "- item\n# h"), List.of(
                Trials.completed("A2 F64", 0, 2, "nsga2"))), ReportFormat.MARKDOWN);
        assertThat(md).startsWith("# x \\| y — Sublayer study report\n\n\\- item # h\n");
    }
}
