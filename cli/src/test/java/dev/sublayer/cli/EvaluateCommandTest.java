package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.testing.NativeTest;
import org.junit.jupiter.api.Test;
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
        assertThat(n.get("params_active").longValue()).isEqualTo(n.get("params_total").longValue() - 2 * (2 * 16 * 16 + 16 + 16));
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
                .contains("steps                    2");
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
}
