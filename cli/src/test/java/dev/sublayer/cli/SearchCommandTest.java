package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.FrontStats;
import dev.sublayer.search.Search;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.testing.ReadOnlyPath;
import dev.sublayer.trial.Objective;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
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
        assertThat(r.err().strip()).startsWith("sublayer: error: " + config + ": /search/population: must be between 2 and 100000, "
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

    /** A closed study of {@link #MICRO} in {@code dir}, created without training anything. */
    private static void created(Path config, Path dir) throws IOException {
        String text = Files.readString(config);
        Search.open(StudyConfigReader.read(text), text, dir, "test", StudyExecutors.DEFAULT).close();
    }

    private static String hash(Path dir) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(StudyStore.studyFile(dir))));
    }

    @Test
    void aCorpusNoTrialCouldReadIsRefusedBeforeAStudyExists() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.write(data.resolve("empty.txt"), new byte[0]);
        Files.write(data.resolve("short.txt"), new byte[100]);
        Path missing = tmp.resolve("nope.txt");
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("file:" + missing, "corpus 'file:" + missing + "': no such file " + missing);
        cases.put("file:" + data.resolve("empty.txt"), "the file " + data.resolve("empty.txt") + " is empty");
        cases.put("file:" + data.resolve("short.txt"), "has 100 bytes, fewer than the 200 that context 8 needs");
        cases.put("file:" + data, data + " is a directory, expected a text file");
        cases.put("file:data/nope.txt", "no such file " + data.resolve("nope.txt") + " (a relative path is read "
                + "from the config file's folder, " + tmp + ")");
        cases.put("wikitext", "unknown corpus 'wikitext'");
        cases.put("facts:0", "facts table size must be in [1, 16384], got 0");
        cases.put("mqar", "corpus mqar needs context >= 4");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path config = tmp.resolve("bad.yaml");
            String yaml = MICRO.replace("corpus: europarl", "corpus: " + c.getKey());
            Files.writeString(config, c.getKey().equals("mqar") ? yaml.replace("context: 8", "context: 3") : yaml);
            Path dir = tmp.resolve("study");
            CliRunner r = CliRunner.run("search", config.toString(), "--dir", dir.toString());
            assertThat(r.exitCode()).as(c.getKey() + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip()).as(c.getKey()).startsWith("sublayer: error: " + config + ": /data/corpus: ")
                    .contains(c.getValue()).doesNotContain("\n");
            assertThat(r.out()).isEmpty();
            assertThat(dir).as(c.getKey()).doesNotExist();
        }
    }

    @Test
    void refusedSearchesAndResumesLeaveTheStoreByteForByte() throws Exception {
        Path config = tmp.resolve("micro.yaml");
        Files.writeString(config, MICRO);
        Path dir = tmp.resolve("study");
        created(config, dir);
        String before = hash(dir);

        Path changed = tmp.resolve("changed.yaml");
        Files.writeString(changed, MICRO.replace("seed: 4", "seed: 5"));
        CliRunner search = CliRunner.run("search", changed.toString(), "--dir", dir.toString());
        assertThat(search.exitCode()).isEqualTo(2);
        assertThat(search.err()).contains("/seed: differs from the study in " + dir);
        assertThat(hash(dir)).isEqualTo(before);

        CliRunner workers = CliRunner.run("resume", dir.toString(), "--workers", "0");
        assertThat(workers.exitCode()).isEqualTo(2);
        assertThat(workers.err()).contains("--workers must be >= 1, got 0");
        assertThat(hash(dir)).isEqualTo(before);

        try (ReadOnlyPath ro = ReadOnlyPath.of(dir)) {
            CliRunner resume = CliRunner.run("resume", dir.toString());
            assertThat(resume.exitCode()).isEqualTo(2);
            assertThat(resume.err().strip()).isEqualTo("sublayer: error: cannot continue study " + dir + ": " + dir
                    + " is not writable (a search writes front.json, the report, logs and checkpoints there); "
                    + "reports and exports can still read it");
            assertThat(resume.out()).isEmpty();
        }
        assertThat(hash(dir)).isEqualTo(before);
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.events()).extracting(StudyEvent::type).doesNotContain(StudyEvent.STUDY_RESUMED);
        }
    }

    @Test
    void aStudyWhoseTrialsAllFailedAlikeExitsOneAndSaysWhyAndHowToGoOn() {
        assertThat(StudyRun.exitCode(SearchOutcome.State.FAILED)).isEqualTo(1);
        assertThat(StudyRun.exitCode(SearchOutcome.State.STOPPED)).isEqualTo(130);
        assertThat(StudyRun.exitCode(SearchOutcome.State.FAULTED)).isEqualTo(2);
        assertThat(StudyRun.exitCode(SearchOutcome.State.FINISHED)).isZero();
        assertThat(StudyRun.exitCode(SearchOutcome.State.ALREADY_FINISHED)).isZero();
        StudyConfig config = StudyConfigReader.read(MICRO);
        SearchOutcome o = new SearchOutcome(SearchOutcome.State.FAILED, "all 2 trials failed with the same error, so "
                + "more would too: boom", StudyFront.empty(config.objectives().stream().map(Objective::kind).toList()),
                FrontStats.none(), 1, 2, 2, tmp, tmp.resolve("front.json"));
        StringWriter out = new StringWriter();
        StudyRun.print(o, config, new PrintWriter(out, true));
        assertThat(out.toString()).startsWith("study 'micro' stopped: all 2 trials failed with the same error, so "
                + "more would too: boom\nfix the cause, then continue with: sublayer resume " + tmp + "\n");
    }
}
