package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StudyExport;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.sublayer.testing.NativeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class EvaluateCommandTest {

    @Test
    @NativeTest
    void trainsOneCandidateAndPrintsItsMetricsAsJson() {
        CliRunner r = CliRunner.run("evaluate", "A2 F32", "--d-model", "16", "--context", "16", "--batch", "4",
                "--steps", "3", "--threads", "2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode n = JsonMapper.builder().build().readTree(r.out());
        assertThat(n.get("status").stringValue()).isEqualTo("completed");
        assertThat(n.get("architecture").stringValue()).isEqualTo("d16 n16 pre: A2 F32");
        assertThat(n.get("steps").longValue()).isEqualTo(3);
        assertThat(n.get("tokens").longValue()).isEqualTo(3 * 4 * 16);
        assertThat(n.get("valid_bits_per_byte").doubleValue()).isBetween(1.0, 9.0);
        assertThat(n.get("curve").size()).isPositive();
        assertThat(r.err()).contains("evaluating d16 n16 pre: A2 F32 on europarl").contains("step 3/3");
        // One naming: every metric under the name the store, export and front.json use, every objective measure
        // under its objective name, and nothing under a name of its own.
        List<String> metrics = new ArrayList<>(TrialJson.toNode(TrialMetrics.none()).propertyNames());
        assertThat(StudyExport.CSV_COLUMNS).containsAll(metrics);
        List<String> keys = new ArrayList<>(n.propertyNames());
        assertThat(keys).containsAll(metrics).containsAll(ObjectiveKind.configNames()).contains("active_params")
                .doesNotContain("params_total", "params_non_embedding", "params_active", "flops_forward_per_token",
                        "valid_next_byte_accuracy");
        assertThat(n.get("non_embedding_params").longValue()).isEqualTo(
                CostModel.of(Notation.parse("d16 n16 pre: A2 F32"), ModelShape.bytes()).nonEmbeddingParams());
        assertThat(n.get("wall_seconds").doubleValue()).isCloseTo(n.get("build_seconds").doubleValue()
                + n.get("train_seconds").doubleValue() + n.get("eval_seconds").doubleValue(), within(1e-4));
        assertThat(n.get("curve").get(0).propertyNames())
                .containsExactlyElementsOf(TrialJson.toNode(new CurvePoint(1, 1, 1, 1, 1)).propertyNames());
    }

    @Test
    @NativeTest
    void theDjlEngineTrainsTheSameCandidate() {
        CliRunner r = CliRunner.run("evaluate", "A2 F32", "--d-model", "16", "--context", "16", "--batch", "4",
                "--steps", "3", "--threads", "1", "--engine", "djl", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode n = JsonMapper.builder().build().readTree(r.out());
        assertThat(n.get("status").stringValue()).isEqualTo("completed");
        assertThat(n.get("engine").stringValue()).isEqualTo("djl");
        assertThat(n.get("backend").stringValue()).startsWith("djl ").contains("pytorch");
        assertThat(n.get("steps").longValue()).isEqualTo(3);
        assertThat(r.err()).contains("engine djl");
    }

    @Test
    @NativeTest
    void trainsTheRicherSublayers() {
        CliRunner r = CliRunner.run("evaluate", "A2 M4k2/16 P2/16:swiglu D16x2:relu2", "--d-model", "16", "--context", "8",
                "--batch", "2", "--steps", "2", "--threads", "1", "--norm-kind", "rmsnorm", "--moe-aux-weight", "0.1",
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode n = JsonMapper.builder().build().readTree(r.out());
        assertThat(n.get("status").stringValue()).isEqualTo("completed");
        assertThat(n.get("architecture").stringValue()).isEqualTo("d16 n8 pre rms: A2 M4k2/16 P2/16:swiglu D16x2:relu2");
        assertThat(n.get("active_params").longValue())
                .isEqualTo(n.get("total_params").longValue() - 2 * (2 * 16 * 16 + 16 + 16));
        assertThat(CliRunner.run("evaluate", "A2", "--moe-aux-weight", "-1").err().strip())
                .isEqualTo("sublayer: error: --moe-aux-weight must be a finite number >= 0, got -1.0");
    }

    @Test
    @NativeTest
    void printsATableByDefault() {
        CliRunner r = CliRunner.run("evaluate", "d16 n8 post: F16 A2", "--corpus", "mqar", "--batch", "2",
                "--tokens", "32", "--threads", "1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("status").contains("completed").contains("valid_accuracy")
                .containsPattern("\nsteps +2\n");
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        CliRunner corpus = CliRunner.run("evaluate", "A2 F32", "--corpus", "wikitext");
        assertThat(corpus.exitCode()).isEqualTo(2);
        assertThat(corpus.err().strip()).startsWith("sublayer: error: unknown corpus 'wikitext'").doesNotContain("\n");
        assertThat(corpus.out()).isEmpty();
        CliRunner both = CliRunner.run("evaluate", "A2 F32", "--steps", "3", "--tokens", "100");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        CliRunner steps = CliRunner.run("evaluate", "A2 F32", "--steps", "0");
        assertThat(steps.exitCode()).isEqualTo(2);
        assertThat(steps.err().strip()).isEqualTo("sublayer: error: --steps must be >= 1, got 0");
        CliRunner engine = CliRunner.run("evaluate", "A2 F32", "--engine", "torch");
        assertThat(engine.exitCode()).isEqualTo(2);
        assertThat(engine.err().strip()).isEqualTo("sublayer: error: --engine: unknown engine 'torch', expected one of dl4j, djl");
        CliRunner tooLong = CliRunner.run("evaluate", "A2", "--corpus", "mqar", "--context", "3", "--d-model", "8");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err()).contains("context >= 4");
    }

    @Test
    void aCorpusFileThatCannotFeedTheContextIsRefusedBeforeTraining(@TempDir Path tmp) throws Exception {
        Path shorter = Files.write(tmp.resolve("short.txt"), new byte[359]);
        CliRunner tooShort = CliRunner.run("evaluate", "A2 F32", "--context", "16", "--corpus", "file:" + shorter);
        assertThat(tooShort.exitCode()).isEqualTo(2);
        assertThat(tooShort.err().strip()).isEqualTo("sublayer: error: corpus 'file:" + shorter + "': the file "
                + shorter + " has 359 bytes, fewer than the 360 that context 16 needs (its 5% validation split must "
                + "hold context + 1 = 17 bytes); use a longer text or a shorter context");
        CliRunner directory = CliRunner.run("evaluate", "A2 F32", "--corpus", "file:" + tmp);
        assertThat(directory.exitCode()).isEqualTo(2);
        assertThat(directory.err().strip()).isEqualTo("sublayer: error: corpus 'file:" + tmp + "': " + tmp
                + " is a directory, expected a text file");
        assertThat(directory.out()).isEmpty();
    }
}
