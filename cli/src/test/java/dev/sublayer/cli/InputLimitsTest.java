package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stated input limits as a user meets them: every value beyond one is refused with exit code 2 and one line
 * naming the path or token, the value and the limit, before anything is built, trained or written.
 */
class InputLimitsTest {

    /** The rest of a config, without a budget: one step of tiny models, in process. */
    private static final String SMALL = """
            data: {corpus: europarl, batch_size: 1, validation_batches: 1}
            training: {warmup_steps: 0, schedule_steps: 1}
            fidelity: {rungs: [{max_steps: 1}]}
            search: {strategy: random, population: 2}
            reevaluation: {seeds: 0}
            workers: {count: 1, threads: 1, mode: in_process}
            """;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "D999999x999999 | token 'D999999x999999' at position 1: hidden layers 999999 is above the maximum 64",
            "F1000000000 | token 'F1000000000' at position 1: width 1000000000 is above the maximum 1048576",
            "A4 M4096k2/64 | token 'M4096k2/64' at position 2: experts 4096 is above the maximum 1024",
            "A４ F５１２ | token 'A４' at position 1: expected a positive integer heads after 'A' (ASCII digits 0-9 only)",
            "d128 n4000000 pre: A4 | header 'd128 n4000000 pre': context 4000000 is above the maximum 1048576",
    })
    void archDescribeRefusesSizesAboveTheirMaximum(String notation, String message) {
        CliRunner r = CliRunner.run("arch", "describe", notation);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("sublayer: error: " + message);
    }

    @Test
    void archDescribeRefusesCostsTooLargeToCountInsteadOfPrintingNegativeOnes() {
        CliRunner flops = CliRunner.run("arch", "describe", "d65536 n1048576 pre: " + "D1048576x64 ".repeat(64));
        assertThat(flops.exitCode()).isEqualTo(2);
        assertThat(flops.out()).isEmpty();
        assertThat(flops.err().strip()).isEqualTo("sublayer: error: cannot count the forward FLOPs per sequence: it is "
                + "above 9,223,372,036,854,775,807 (use a smaller architecture, context or batch)");
        CliRunner memory = CliRunner.run("arch", "describe", "A4", "--context", "1048576", "--batch", "2147483647");
        assertThat(memory.exitCode()).isEqualTo(2);
        assertThat(memory.err()).startsWith("sublayer: error: cannot count the training-memory estimate");
        CliRunner dModel = CliRunner.run("arch", "describe", "A4", "--d-model", "100000");
        assertThat(dModel.exitCode()).isEqualTo(2);
        assertThat(dModel.err().strip()).isEqualTo("sublayer: error: d_model 100000 is above the maximum 65536");
        // The largest sizes themselves are described, every figure positive.
        CliRunner largest = CliRunner.run("arch", "describe", "d65536 n8 pre: A1024 D1048576x64 M1024k1024/1048576",
                "--json");
        assertThat(largest.exitCode()).as(largest.err()).isZero();
        assertThat(largest.out()).doesNotContain("-").contains("\"params_total\"");
    }

    @Test
    void evaluateRefusesTheSameNotation() {
        CliRunner r = CliRunner.run("evaluate", "A2 F1000000000", "--steps", "1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("sublayer: error: token 'F1000000000' at position 2: width 1000000000 "
                + "is above the maximum 1048576");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "seed: 99999999999999999999 | /seed: must be between -9223372036854775808 and 9223372036854775807, got 99999999999999999999",
            "budget: {max_trials: 9223372036854775807} | /budget/max_trials: must be between 1 and 1000000000, got 9223372036854775807",
            "'name: other' | /name: the key 'name' appears twice, on lines 1 and 2; keep one",
            "search_space: {ffn_widths: [1000000000]} | /search_space/ffn_widths/0: must be between 1 and 1048576, got 1000000000",
    })
    void searchRefusesOutOfRangeConfigsAndCreatesNothing(String line, String message) throws Exception {
        Path config = tmp.resolve("bad.yaml");
        // Were a row accepted, the study would be one tiny in-process trial, not a search with worker JVMs.
        Files.writeString(config, "name: bad\n" + line + "\n" + SMALL + (line.startsWith("budget") ? ""
                : "budget: {max_trials: 1}\n"));
        Path dir = tmp.resolve("study");
        CliRunner r = CliRunner.run("search", config.toString(), "--dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("sublayer: error: " + config + ": " + message);
        assertThat(dir).doesNotExist();
    }

    @Test
    void searchRefusesAFiftyMegabyteConfigBeforeReadingIt() throws Exception {
        Path config = tmp.resolve("huge.yaml");
        Files.writeString(config, "name: huge\ndescription: ");
        try (RandomAccessFile f = new RandomAccessFile(config.toFile(), "rw")) {
            f.setLength(50L << 20);
        }
        long start = System.nanoTime();
        CliRunner r = CliRunner.run("search", config.toString(), "--dir", tmp.resolve("study").toString());
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("sublayer: error: " + config + ": /: the config is 52,428,800 bytes, "
                + "above the maximum of 1,048,576 (1 MiB)");
        assertThat(tmp.resolve("study")).doesNotExist();
    }
}
