package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyStore;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchCommandTest {

    @TempDir
    Path tmp;

    /** A real (DL4J, in-process) micro study: two candidates of a few steps. */
    private static final String MICRO = """
            name: micro
            seed: 4
            search_space: {depth: {min: 1, max: 2}, ffn_widths: [16], heads: [2], residual: [true], d_model: [16], context: 8}
            data: {corpus: europarl, batch_size: 2, validation_batches: 1}
            training: {warmup_steps: 1, schedule_steps: 4}
            fidelity: {rungs: [{max_steps: 3}]}
            search: {strategy: random, population: 2}
            budget: {max_trials: 2}
            reevaluation: {seeds: 0}
            workers: {count: 1, threads: 1, mode: in_process}
            """;

    @Test
    @NativeTest
    void searchesForRealThenRerunningTrainsNothingAndSaysSo() throws Exception {
        Path config = tmp.resolve("micro.yaml");
        Files.writeString(config, MICRO);
        Path dir = tmp.resolve("study");
        CliRunner first = CliRunner.run("search", config.toString(), "--dir", dir.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("study 'micro' finished: max_trials (2) reached", "front at rung 0",
                "architecture", "bits/byte", "front.json");
        assertThat(first.err()).contains("starting study 'micro'", "generation 0:");
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.info().status()).isEqualTo("finished");
            assertThat(s.trials()).hasSize(2).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED));
            assertThat(s.info().command()).startsWith("sublayer search " + config);
        }
        assertThat(Files.readString(dir.resolve("front.json"))).contains("\"status\" : \"finished\"");

        CliRunner again = CliRunner.run("search", config.toString(), "--dir", dir.toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("was already finished", "nothing to train");
        CliRunner resume = CliRunner.run("resume", dir.toString());
        assertThat(resume.exitCode()).isZero();
        assertThat(resume.out()).contains("was already finished");
    }

    @Test
    void theCommandThatRanAStudyIsQuotedSoAShellReadsBackTheSameWords() throws Exception {
        List<String> words = List.of("sublayer", "search", "my studies/q.yaml", "--dir", "runs/it's $HOME", "",
                "--workers=2", "a\"b;c|d");
        String line = StudyRun.shellWords(words);
        assertThat(line).isEqualTo("sublayer search 'my studies/q.yaml' --dir 'runs/it'\\''s $HOME' '' --workers=2 "
                + "'a\"b;c|d'");
        // Pasted into a shell, it is the very same words.
        Process sh = new ProcessBuilder("sh", "-c", "for w in " + line + "; do printf '%s\\n' \"[$w]\"; done")
                .redirectErrorStream(true).start();
        String echoed = new String(sh.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        assertThat(echoed.lines().toList()).isEqualTo(words.stream().map(w -> "[" + w + "]").toList());

        // What a search records as the command that ran it (the report shows it).
        picocli.CommandLine cli = new picocli.CommandLine(new Main());
        picocli.CommandLine.ParseResult parsed = cli.parseArgs("search", "my studies/q.yaml", "--dir", "runs/a b");
        assertThat(StudyRun.commandLine(parsed.subcommand().commandSpec()))
                .isEqualTo("sublayer search 'my studies/q.yaml' --dir 'runs/a b'");
    }

    @Test
    void badConfigsExitTwoWithOneLineNamingThePath() throws Exception {
        Path config = tmp.resolve("bad.yaml");
        Files.writeString(config, "name: bad\nsearch: {population: 1, popultion: 3}\n");
        CliRunner r = CliRunner.run("search", config.toString(), "--dir", tmp.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).startsWith("sublayer: error: " + config + ": /search/population: must be >= 2, "
                + "got 1; /search/popultion: unknown key, did you mean 'population'?").doesNotContain("\n");
        assertThat(tmp.resolve("x")).doesNotExist();

        CliRunner missing = CliRunner.run("search", tmp.resolve("nope.yaml").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no config file");

        CliRunner noStudy = CliRunner.run("resume", tmp.resolve("nothing-here").toString());
        assertThat(noStudy.exitCode()).isEqualTo(2);
        assertThat(noStudy.err()).startsWith("sublayer: error: no study at");

        Path good = tmp.resolve("micro.yaml");
        Files.writeString(good, MICRO);
        CliRunner badWorkers = CliRunner.run("search", good.toString(), "--workers", "0");
        assertThat(badWorkers.exitCode()).isEqualTo(2);
        assertThat(badWorkers.err()).contains("--workers must be >= 1, got 0");
    }
}
