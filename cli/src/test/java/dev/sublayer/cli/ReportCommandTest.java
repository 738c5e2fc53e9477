package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyInfo;
import dev.sublayer.testing.ReadOnlyPath;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    private static final Provenance P = new Provenance("0.1.0", "abc", "25", "dl4j", "nd4j", "cpu", "linux", "h");
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path tmp;

    private Path study(String name) {
        Path dir = tmp.resolve("study");
        String config = "name: cli-report\nseed: 7\nbudget: {max_trials: 3}\n";
        try (StudyStore s = StudyStore.create(dir, new StudyInfo(name, "d", 7, config, config, "finished",
                T0, T0.plusSeconds(600), "sublayer search s.yaml", P))) {
            String[] archs = {"d64 n32 pre: A2 F128", "d64 n32 pre: A2 F128 F128", "d64 n32 pre: A2 F256 A2 F256"};
            for (int i = 0; i < archs.length; i++) {
                double bpb = 2.5 - 0.2 * i;
                TrialMetrics m = new TrialMetrics(bpb * Math.log(2), bpb, 0.4, 10_000 * (i + 1), 8_000 * (i + 1),
                        16_000 * (i + 1), 1e9, 100, 3200, 0.1, 2.0, 0.2, 1600, 1, 2);
                s.putTrial(new TrialRecord("k" + i, archs[i], 0, i, Budget.steps(100), 0, Origin.proposal("nsga2"),
                        "w0", T0, T0.plusSeconds(60), new TrialResult(TrialStatus.COMPLETED, m,
                                List.of(new CurvePoint(100, 3200, 2.0, 1.6, bpb * Math.log(2))), "", P)));
            }
        }
        return dir;
    }

    @Test
    void writesHtmlNextToTheStudyByDefault() throws IOException {
        Path dir = study("cli-report");
        CliRunner r = CliRunner.run("report", dir.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        Path html = dir.resolve("report.html");
        assertThat(r.out().strip()).startsWith(html + " (html, ").endsWith(" bytes, 3 trials)");
        String text = Files.readString(html);
        assertThat(text).startsWith("<!DOCTYPE html>").contains("<h1 id=\"study-name\">cli-report</h1>");
        assertThat(text.split("<tr class=\"front-row", -1)).hasSize(1 + 3);
    }

    @Test
    void markdownToAFileOrStdout() throws IOException {
        Path dir = study("md | study");
        Path md = tmp.resolve("summary.md");
        CliRunner file = CliRunner.run("report", dir.toString(), "--out", md.toString());
        assertThat(file.exitCode()).isZero();
        assertThat(Files.readString(md)).startsWith("# md \\| study — Sublayer study report");
        CliRunner stdout = CliRunner.run("report", dir.toString(), "--format", "md", "--out", "-");
        assertThat(stdout.exitCode()).isZero();
        assertThat(stdout.out()).startsWith("# md \\| study").contains("| front size | 3 |")
                .contains("| 1 | `A2 F256 A2 F256` |").contains("| 3 | `A2 F128` |");
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws IOException, InterruptedException {
        CliRunner missing = CliRunner.run("report", tmp.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("sublayer: error: no study at " + tmp.resolve("nope")
                + ": the directory does not exist");

        Path dir = study("busy");
        try (StudyStore writer = StudyStore.openForWriting(dir)) {
            // A study in use is read from its writer's snapshot (WatchingStudyTest); without one it is refused.
            Path snapshot = dir.resolve("study.snapshot.mv.db");
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!Files.exists(snapshot) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(100);
            Files.delete(snapshot); // the writer publishes again only when something changes
            CliRunner busy = CliRunner.run("report", dir.toString());
            assertThat(busy.exitCode()).isEqualTo(2);
            assertThat(busy.err().strip()).startsWith("sublayer: error: study ").contains("is in use by another process")
                    .contains("has published no snapshot for readers (yet)").doesNotContain("\n");
        }
        CliRunner format = CliRunner.run("report", dir.toString(), "--format", "pdf");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err().strip()).isEqualTo("sublayer: error: format 'pdf' is unknown, expected html or md");

        // The same fault as an export into a missing directory, with the same exit code (the user's environment).
        CliRunner noDir = CliRunner.run("report", dir.toString(), "--out", tmp.resolve("no/such/r.html").toString());
        assertThat(noDir.exitCode()).isEqualTo(2);
        assertThat(noDir.err().strip()).contains("directory " + tmp.resolve("no/such") + " does not exist");
        CliRunner exportNoDir = CliRunner.run("export", dir.toString(), "--format", "csv", "--out",
                tmp.resolve("no/such/r.csv").toString());
        assertThat(exportNoDir.exitCode()).isEqualTo(noDir.exitCode());
        assertThat(Files.exists(dir.resolve("report.html"))).isFalse();
    }

    @Test
    void aStudyDirectoryThatRefusesTheReportIsExitTwoWithTheReasonNotATemporaryPath() throws IOException {
        Path dir = study("read-only");
        try (ReadOnlyPath ro = ReadOnlyPath.of(dir)) {
            CliRunner r = CliRunner.run("report", dir.toString());
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err().strip()).as(r.err())
                    .isEqualTo("sublayer: error: cannot write report " + dir.resolve("report.html") + ": " + ro.refusal())
                    .doesNotContain(".tmp");
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(StudyStore.FILE_NAME);
        }
    }
}
