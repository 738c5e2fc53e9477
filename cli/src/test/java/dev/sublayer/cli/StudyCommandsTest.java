package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyInfo;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class StudyCommandsTest {

    private static final Provenance P = new Provenance("0.1.0", "abc", "25", "dl4j", "nd4j", "cpu", "linux", "h");
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final String CONFIG = "name: cli\nseed: 7\nbudget: {max_trials: 5}\n";

    @TempDir
    Path tmp;

    private Path study() {
        Path dir = tmp.resolve("study");
        try (StudyStore s = StudyStore.create(dir, new StudyInfo("cli", "", 7, CONFIG, CONFIG, "finished", T0, null,
                "sublayer search", P))) {
            for (int i = 0; i < 5; i++) {
                TrialStatus status = i == 4 ? TrialStatus.FAILED : TrialStatus.COMPLETED;
                TrialMetrics m = new TrialMetrics(1.5 + i, (1.5 + i) / Math.log(2), 0.4, 1000, 800, 1600, 1e9, 100,
                        3200, 0.1, 2.0, 0.2, 1600, 1, 2);
                TrialResult r = new TrialResult(status, m, List.of(new CurvePoint(100, 3200, 2.0, 1.6 + i, 1.5 + i)),
                        status == TrialStatus.FAILED ? "boom, \"bad\"" : "", P);
                s.putTrial(new TrialRecord("k" + i, "d64 n64 pre: A4 F512", i % 2, i, Budget.steps(100), 0,
                        Origin.proposal("nsga2"), "w0", T0, T0.plusSeconds(60), r));
            }
        }
        return dir;
    }

    @Test
    void exportImportRoundTripThroughTheCli() throws IOException {
        Path dir = study();
        CliRunner jsonl = CliRunner.run("export", dir.toString(), "--format", "jsonl");
        assertThat(jsonl.exitCode()).isZero();
        assertThat(jsonl.err()).isEmpty();
        assertThat(jsonl.out().lines().count()).isEqualTo(1 + 5 + 6);

        Path file = tmp.resolve("out/study.jsonl");
        Files.createDirectories(file.getParent());
        CliRunner toFile = CliRunner.run("export", dir.toString(), "--format", "JSONL", "--out", file.toString());
        assertThat(toFile.exitCode()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo(jsonl.out());

        Path copy = tmp.resolve("copy");
        CliRunner imp = CliRunner.run("import", file.toString(), copy.toString());
        assertThat(imp.exitCode()).isZero();
        assertThat(imp.out().strip()).isEqualTo("imported 5 trials, 0 generations, 6 events into " + copy);
        assertThat(CliRunner.run("export", copy.toString(), "--format", "jsonl").out()).isEqualTo(jsonl.out());

        CliRunner csv = CliRunner.run("export", copy.toString(), "--format", "csv");
        assertThat(csv.exitCode()).isZero();
        assertThat(csv.out()).startsWith("key,architecture,rung,seed,generation,strategy,worker,status,")
                .contains("\"boom, \"\"bad\"\"\"");
        assertThat(csv.out().split("\r\n")).hasSize(6);
    }

    @Test
    void infoAndCompact() {
        Path dir = study();
        CliRunner info = CliRunner.run("study", "info", dir.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out().replaceAll(" +", " ")).contains("schema_version 1\n").contains("trials 5\n")
                .contains("trials_completed 4\n").contains("trials_failed 1\n").contains("generations 0\n");
        JsonNode json = JsonMapper.builder().build().readTree(CliRunner.run("study", "info", dir.toString(), "--json")
                .out());
        assertThat(json.get("trials_completed").longValue()).isEqualTo(4);
        assertThat(json.get("file_bytes").longValue()).isPositive();
        // No generation stored a front: the search's computation over the trials gives it (one architecture).
        assertThat(json.get("candidates_trained").longValue()).isEqualTo(3);
        assertThat(json.get("front_rung").intValue()).isEqualTo(1);
        assertThat(json.get("front")).hasSize(1);
        assertThat(json.get("front").get(0).get("architecture").stringValue()).isEqualTo("A4 F512");
        assertThat(info.out()).containsPattern("\nfront +A4 F512  \\{valid_bits_per_byte=.*, non_embedding_params="
                + "800\\.0\\}  nsga2\n");

        CliRunner compact = CliRunner.run("study", "compact", dir.toString());
        assertThat(compact.exitCode()).isZero();
        assertThat(compact.out()).matches("compacted .*study\\.mv\\.db: \\d+ -> \\d+ bytes \\(\\d+\\.\\d%\\)\\R");
    }

    @Test
    void badInputExitsTwoWithOneLine() throws IOException, InterruptedException {
        Path dir = study();
        Path missing = tmp.resolve("missing");
        Path notJsonl = Files.writeString(tmp.resolve("x.jsonl"), "hello\n");
        String[][] cases = {
                {"no study at " + missing, "export", missing.toString(), "--format", "csv"},
                {"--format must be jsonl or csv, got 'xml'", "export", dir.toString(), "--format", "xml"},
                {"Missing required option: '--format", "export", dir.toString()},
                {"already holds", "import", notJsonl.toString(), dir.toString()},
                {"x.jsonl:1: not valid JSON", "import", notJsonl.toString(), tmp.resolve("new").toString()},
                {"no study at " + missing, "study", "info", missing.toString()},
                {"no study at " + missing, "study", "compact", missing.toString()},
                {"the directory " + tmp.resolve("nope") + " does not exist", "export", dir.toString(), "--format",
                        "csv", "--out", tmp.resolve("nope/f.csv").toString()},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            CliRunner r = CliRunner.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("sublayer: error: ").contains(c[0])
                    .doesNotContain("\n").doesNotContain("Exception");
        }
        try (StudyStore writer = StudyStore.openForWriting(dir)) {
            assertThat(writer.trialCount()).isEqualTo(5);
            CliRunner r = CliRunner.run("study", "compact", dir.toString());
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("sublayer: error: study " + dir.toAbsolutePath()
                    + " is in use by another process");
            // Readers read a study in use from the snapshot its writer publishes (WatchingStudyTest).
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!Files.exists(dir.resolve("study.snapshot.mv.db")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            for (String[] args : new String[][] {{"study", "info", dir.toString()},
                    {"export", dir.toString(), "--format", "csv"}}) {
                CliRunner read = CliRunner.run(args);
                assertThat(read.exitCode()).as(read.err()).isZero();
                assertThat(read.err()).startsWith("sublayer: study " + dir + " is running: read from its snapshot of ");
            }
        }
    }
}
