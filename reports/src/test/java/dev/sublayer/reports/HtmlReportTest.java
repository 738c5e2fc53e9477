package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HtmlReportTest {

    static final String XSS = "</script><script>alert(1)</script>";

    private static String render(StudyView v) {
        return ReportWriter.render(v, ReportFormat.HTML);
    }

    private static StudyView hostileStudy() {
        StudyInfo info = new StudyInfo("name " + XSS, "description " + XSS + " <img src=x onerror=alert(2)>", 5,
                "given: \"" + XSS + "\"\n", "resolved: '" + XSS + "'\n", "finished" + XSS, Trials.T0,
                Trials.T0.plusSeconds(60), "sublayer search '" + XSS + "'", SyntheticStudy.PROVENANCE);
        List<TrialRecord> t = new ArrayList<>();
        t.add(Trials.completed("A2 F64", 0, 2.0, "template:" + XSS));
        t.add(Trials.completed("A2 F64 F64", 0, 1.9, "nsga2"));
        t.add(Trials.failed("A2 F128", TrialStatus.FAILED, "worker said " + XSS));
        t.add(Trials.record("<img src=x onerror=alert(3)>", 0, "nsga2", Trials.completed("A2", 0, 1.0, "x").result()));
        return new StudyView(info, Trials.PLAN, Trials.front(t.get(1), t.get(0)), t, List.of(),
                List.of(new StudyEvent(Trials.T0, "note" + XSS, "message " + XSS)), Trials.T0.plusSeconds(90));
    }

    @Test
    void hostileStudyTextStaysText() {
        StudyView v = hostileStudy();
        String html = render(v);
        assertThat(html).doesNotContain("<script>alert(").doesNotContain("<img src=x");
        // Exactly our four script elements: the error hook, the data, the chart library, the page script.
        assertThat(count(html, "<script")).as(scripts(html)).isEqualTo(4);
        assertThat(html).contains("<h1 id=\"study-name\">name &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>");
        assertThat(html).contains("description &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x");
        assertThat(html).contains("<title>name &lt;/script&gt;");
        // The data block holds every hostile string intact, with nothing that could end the element.
        String data = dataBlock(html);
        assertThat(data).doesNotContain("<").doesNotContain(">");
        JsonNode d = JsonMapper.builder().build().readTree(data);
        assertThat(d.get("study").get("name").stringValue()).isEqualTo(v.info().name());
        List<String> archs = new ArrayList<>();
        d.get("archs").forEach(a -> archs.add(a.stringValue()));
        assertThat(archs).contains("<img src=x onerror=alert(3)>");
        List<String> failures = new ArrayList<>();
        d.get("trials").get("failure").forEach(a -> failures.add(a.stringValue()));
        assertThat(failures).contains("worker said " + XSS);
    }

    @Test
    void selfContainedWithInlinedLibraryAndNoExternalReferences() {
        String html = render(SyntheticStudy.generate(1, 120, "s", "", true).view(Trials.T0.plusSeconds(99_999)));
        assertThat(html).doesNotContainPattern("(?i)<script[^>]+src=");
        // Outside the inlined scripts, nothing refers to another file or host.
        String markup = html.replaceAll("(?s)(<script[^>]*>).*?(</script>)", "$1$2");
        assertThat(markup).hasSizeLessThan(200_000).doesNotContainPattern("(?i)<link")
                .doesNotContainPattern("(?i)(src|href)=\"(https?:)?//").doesNotContainPattern("(?i)url\\(");
        assertThat(html).contains("echarts").contains("Apache");
        assertThat(html.length()).isGreaterThan(1_000_000);
    }

    @Test
    void frontTableHasOneRowAndOneStripPerFrontArchitecture() {
        SyntheticStudy s = SyntheticStudy.generate(4, 150, "front", "", true);
        StudyView v = s.view(Trials.T0.plusSeconds(99_999));
        StudyAnalysis a = new StudyAnalysis(v);
        String html = render(v);
        String table = html.substring(html.indexOf("<table id=\"front-table\""), html.indexOf("</table>",
                html.indexOf("<table id=\"front-table\"")));
        assertThat(count(table, "<tr class=\"front-row")).isEqualTo(a.front().size());
        assertThat(count(table, "<svg class=\"strip\"")).isEqualTo(a.front().size());
        for (var f : a.front()) {
            assertThat(table).contains("<code>" + f.arch().notation() + "</code>");
            int attention = (int) f.arch().sublayers().stream().filter(x -> x.kind().letter() == 'A').count();
            assertThat(table).contains("aria-label=\"" + f.arch().notation() + "\"");
            assertThat(attention).isPositive();
        }
        assertThat(count(table, "class=\"blk-a")).isEqualTo(a.front().stream()
                .mapToLong(f -> f.features().attentionCount()).sum());
    }

    @Test
    void emptyStudyRenders() {
        StudyView v = Trials.view(List.of());
        String html = render(v);
        assertThat(html).contains("No completed trials yet.").doesNotContain("id=\"front-table\"");
        assertThat(dataBlock(html)).contains("\"groups\":{\"arch\":[]");
    }

    static String dataBlock(String html) {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String scripts(String html) {
        StringBuilder b = new StringBuilder();
        for (int i = html.indexOf("<script"); i >= 0; i = html.indexOf("<script", i + 1)) {
            b.append(html, Math.max(0, i - 80), Math.min(html.length(), i + 80)).append("\n---\n");
        }
        return b.toString();
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
