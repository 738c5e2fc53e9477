package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.evaluator.CorpusCheck;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyCorpus;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.testing.ReadOnlyPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a study refuses before it writes: a refused {@code search} or {@code resume} leaves the store byte for
 * byte as it was, and a study with a corpus no trial could read is never created.
 */
class StudyOpeningTest {

    @TempDir
    Path tmp;

    private final StubEngine.Counters counters = new StubEngine.Counters();
    private final Search.ExecutorFactory stub = TestStudies.stub(counters, 0);

    /** A closed study of {@code yaml} in a new directory. */
    private Path study(String yaml) {
        Path dir = tmp.resolve("study");
        TestStudies.open(yaml, dir, stub).close();
        return dir;
    }

    private static String hash(Path dir) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(StudyStore.studyFile(dir))));
    }

    private static long events(Path dir) {
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            return s.eventCount();
        }
    }

    @Test
    void aSearchRefusedForAChangedSettingLeavesTheStoreAsItWas() throws Exception {
        Path dir = study(TestStudies.yaml("nsga2", 1, 6, ""));
        String before = hash(dir);
        long events = events(dir);
        assertThatThrownBy(() -> TestStudies.open(TestStudies.yaml("nsga2", 2, 6, ""), dir, stub))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("/seed: differs from the study in " + dir);
        assertThat(hash(dir)).isEqualTo(before);
        assertThat(events(dir)).isEqualTo(events);
        // the same config still continues it (and that writes)
        TestStudies.open(TestStudies.yaml("nsga2", 1, 6, ""), dir, stub).close();
        assertThat(events(dir)).isGreaterThan(events);
    }

    @Test
    void aResumeRefusedForBadWorkerSettingsLeavesTheStoreAsItWas() throws Exception {
        Path dir = study(TestStudies.yaml("nsga2", 1, 6, ""));
        String before = hash(dir);
        assertThatThrownBy(() -> Search.resume(dir, w -> {
            throw new IllegalArgumentException("--workers must be >= 1, got 0");
        }, stub)).hasMessage("--workers must be >= 1, got 0");
        assertThat(hash(dir)).isEqualTo(before);
    }

    @Test
    void aResumeInADirectoryItCannotWriteIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path dir = study(TestStudies.yaml("nsga2", 1, 6, ""));
        String before = hash(dir);
        try (ReadOnlyPath ro = ReadOnlyPath.of(dir)) {
            assertThatThrownBy(() -> Search.resume(dir, w -> w, stub)).isInstanceOf(StoreException.class)
                    .hasMessage("cannot continue study " + dir + ": " + dir + " is not writable (a search writes "
                            + "front.json, the report, logs and checkpoints there); reports and exports can still "
                            + "read it");
            assertThatThrownBy(() -> TestStudies.open(TestStudies.yaml("nsga2", 1, 6, ""), dir, stub))
                    .isInstanceOf(StoreException.class).hasMessageContaining("is not writable");
        }
        assertThat(hash(dir)).isEqualTo(before);
        assertThat(dir.resolve("front.json")).doesNotExist();
    }

    @Test
    void aStudyWithACorpusNoTrialCouldReadIsNeverCreated() {
        Path dir = tmp.resolve("never");
        String yaml = TestStudies.yaml("nsga2", 1, 6, "").replace("corpus: europarl",
                "corpus: file:" + tmp.resolve("nope.txt"));
        assertThatThrownBy(() -> TestStudies.open(yaml, dir, stub)).isInstanceOf(ConfigException.class)
                .hasMessage("/data/corpus: corpus 'file:" + tmp.resolve("nope.txt") + "': no such file "
                        + tmp.resolve("nope.txt"));
        assertThat(dir).doesNotExist();
    }

    @Test
    void aCorpusThatVanishedIsRefusedOnResumeLeavingTheStoreAsItWas() throws Exception {
        Path corpus = Files.write(tmp.resolve("text.txt"), new byte[(int) CorpusCheck.minimumTextBytes(16)]);
        Path dir = study(TestStudies.yaml("nsga2", 1, 6, "").replace("corpus: europarl", "corpus: file:" + corpus));
        Files.delete(corpus);
        String before = hash(dir);
        assertThatThrownBy(() -> Search.resume(dir, w -> w, stub)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("/data/corpus: corpus 'file:" + corpus + "': no such file");
        assertThat(hash(dir)).isEqualTo(before);
    }

    @Test
    void aRelativeCorpusIsReadFromTheConfigFolderAndTheStudyKeepsTheAbsolutePath() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("studies"));
        Files.createDirectories(folder.resolve("data"));
        Path corpus = Files.write(folder.resolve("data/text.txt"), new byte[(int) CorpusCheck.minimumTextBytes(16)]);
        String yaml = TestStudies.yaml("nsga2", 1, 6, "").replace("corpus: europarl", "corpus: file:data/text.txt");
        StudyConfig config = StudyCorpus.resolve(TestStudies.config(yaml), folder);
        assertThat(config.data().corpus()).isEqualTo("file:" + corpus);
        Path dir = tmp.resolve("study");
        Search.open(config, yaml, dir, "test", stub).close();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.info().configAsGiven()).isEqualTo(yaml);
            assertThat(s.info().configResolved()).contains("file:" + corpus);
            assertThat(StoredConfig.of(s.info()).data().corpus()).isEqualTo("file:" + corpus);
        }
        // continued with the same config file, and resumed, it trains on the same absolute path
        Search.open(config, yaml, dir, "test", stub).close();
        Search resumed = Search.resume(dir, w -> w, stub);
        assertThat(resumed.context().config().data().corpus()).isEqualTo("file:" + corpus);
        resumed.close();

        assertThatThrownBy(() -> StudyCorpus.resolve(TestStudies.config(yaml), tmp))
                .isInstanceOf(ConfigException.class).hasMessage("/data/corpus: corpus 'file:" + tmp.resolve(
                        "data/text.txt") + "': no such file " + tmp.resolve("data/text.txt") + " (a relative path is "
                        + "read from the config file's folder, " + tmp + ")");
    }
}
