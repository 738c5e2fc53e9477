package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ArchCommandTest {

    @Test
    void describesAsTable() {
        CliRunner r = CliRunner.run("arch", "describe", "A4 F512");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("params_total                    247,680")
                .contains("longest_ffn_run                 1");
    }

    @Test
    void describesAsJson() {
        CliRunner r = CliRunner.run("arch", "describe", "A2 F64 F64!", "--d-model", "32", "--context", "16", "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode n = JsonMapper.builder().build().readTree(r.out());
        assertThat(n.get("canonical").stringValue()).isEqualTo("d32 n16 pre: A2 F64 F64!");
        assertThat(n.get("ffn_count").intValue()).isEqualTo(2);
        assertThat(n.get("residual_count").intValue()).isEqualTo(2);
        assertThat(n.get("params_non_embedding").longValue())
                .isEqualTo((64 + 4 * 32 * 32 + 4 * 32) + 2 * (64 + 2 * 32 * 64 + 64 + 32) + 64);
    }

    @Test
    void describesEveryKindWithEachSublayersCost() {
        CliRunner r = CliRunner.run("arch", "describe", "A4 F1024 M8k2/512 P4/1024:swiglu D512x2! F682:swiglu",
                "--norm-kind", "rmsnorm");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("canonical                       d128 n128 pre rms: A4 F1024 M8k2/512")
                .contains("norm_kind                       rmsnorm")
                .contains("sublayers\n")
                .containsPattern("2 +F1024 +params 263,424  flops/token 524,288  equal params: F682:swiglu")
                .containsPattern("3 +M8k2/512 +params 1,054,848 \\(active 264,576\\)")
                .containsPattern("6 +F682:swiglu +params .*equal params: F1024\n");
    }

    @Test
    void describesTotalAndActiveParamsAsJson() {
        CliRunner r = CliRunner.run("arch", "describe", "d16 n8 post: M4k2/32 A2", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode n = JsonMapper.builder().build().readTree(r.out());
        long moe = 32 + 16 * 4 + 4 * (2 * 16 * 32 + 32 + 16);
        long attention = 32 + 4 * 16 * 16 + 4 * 16;
        assertThat(n.get("params_non_embedding").longValue()).isEqualTo(moe + attention);
        assertThat(n.get("params_active").longValue())
                .isEqualTo(n.get("params_total").longValue() - 2 * (2 * 16 * 32 + 32 + 16));
        assertThat(n.get("norm_kind").stringValue()).isEqualTo("layernorm");
        JsonNode first = n.get("sublayers").get(0);
        assertThat(first.get("token").stringValue()).isEqualTo("M4k2/32");
        assertThat(first.get("params").longValue()).isEqualTo(moe);
        assertThat(first.get("flops_forward_per_token").longValue()).isEqualTo(2 * 16 * 4 + 2 * 4 * 16 * 32);
        assertThat(n.get("sublayers").get(1).has("params_active")).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "A4 F5x2 | token 'F5x2' at position 2",
            "A4 M4k8/64 | token 'M4k8/64' at position 2: MoE top-k must be between 1 and the experts (4), got 8",
            "D64x1 | token 'D64x1' at position 1: deep FFN hidden layers must be >= 2",
            "'' | empty architecture",
            "A3 F512 | heads 3 must divide d_model 128",
    })
    void badNotationExitsTwoWithOneLine(String notation, String message) {
        CliRunner r = CliRunner.run("arch", "describe", notation);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).startsWith("sublayer: error: ").contains(message).doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void badOptionsExitTwo() {
        assertThat(CliRunner.run("arch", "describe", "A4", "--d-model", "0").err())
                .contains("--d-model must be >= 1, got 0");
        CliRunner r = CliRunner.run("arch", "describe", "A4", "--d-model", "many");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'many' is not an int");
        assertThat(CliRunner.run("arch", "describe", "A4", "--norm", "mid").err()).contains("--norm: unknown norm placement 'mid'");
        assertThat(CliRunner.run("arch", "describe", "A4", "--norm-kind", "rms").err())
                .contains("--norm-kind: unknown norm kind 'rms', expected layernorm or rmsnorm");
        assertThat(CliRunner.run("no-such-command").exitCode()).isEqualTo(2);
    }

    @Test
    void versionAndHelp() {
        assertThat(CliRunner.run("--version").out()).startsWith("sublayer ");
        CliRunner help = CliRunner.run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("arch");
    }
}
