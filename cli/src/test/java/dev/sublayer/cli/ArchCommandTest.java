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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "A4 F5x2 | token 'F5x2' at position 2",
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
