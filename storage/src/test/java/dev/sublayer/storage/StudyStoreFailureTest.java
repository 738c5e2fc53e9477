package dev.sublayer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.testing.ReadOnlyPath;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything that can be wrong with a study location gives a clear error and leaves the bytes alone. */
class StudyStoreFailureTest {

    @TempDir
    Path tmp;

    private Path study(String name, int trials) {
        Path dir = tmp.resolve(name);
        Random rnd = new Random(name.hashCode());
        try (StudyStore s = StudyStore.create(dir, Fixtures.info(name))) {
            for (int i = 0; i < trials; i++) {
                s.putTrial(Fixtures.finished(rnd, "t" + i, 0, 0, 20));
            }
        }
        return dir;
    }

    @Test
    void secondWriterAndReaderBesideAWriterAreToldTheStudyIsInUse() {
        Path dir = study("busy", 3);
        try (StudyStore writer = StudyStore.openForWriting(dir)) {
            assertThatThrownBy(() -> StudyStore.openForWriting(dir))
                    .isInstanceOf(StudyInUseException.class)
                    .hasMessage("study " + dir.toAbsolutePath() + " is in use by another process");
            assertThatThrownBy(() -> StudyStore.openReadOnly(dir)).isInstanceOf(StudyInUseException.class);
            assertThat(writer.trialCount()).isEqualTo(3);
        }
        try (StudyStore again = StudyStore.openForWriting(dir)) {
            assertThat(again.trialCount()).isEqualTo(3);
        }
    }

    @Test
    void missingDirectoryFileInsteadOfDirectoryAndMissingStoreFile() throws IOException {
        assertThatThrownBy(() -> StudyStore.openForWriting(tmp.resolve("none")))
                .isInstanceOf(StoreException.class).hasMessageContaining("the directory does not exist");
        Path file = Files.writeString(tmp.resolve("plain.txt"), "x");
        assertThatThrownBy(() -> StudyStore.openReadOnly(file))
                .hasMessageContaining("it is a file, not a study directory");
        assertThatThrownBy(() -> StudyStore.create(file, Fixtures.info("x")))
                .hasMessageContaining("it is a file, not a directory");
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> StudyStore.openForWriting(empty))
                .hasMessageContaining(StudyStore.FILE_NAME + " does not exist");
        assertThat(empty).isEmptyDirectory();
    }

    @Test
    void directoryWhereTheStoreFileShouldBe() throws IOException {
        Path dir = tmp.resolve("d");
        Files.createDirectories(dir.resolve(StudyStore.FILE_NAME));
        assertThatThrownBy(() -> StudyStore.openForWriting(dir))
                .isInstanceOf(StoreException.class).hasMessageContaining("is a directory, expected the study file");
        assertThatThrownBy(() -> StudyStore.create(dir, Fixtures.info("d")))
                .isInstanceOf(StoreException.class).hasMessageContaining("already holds");
        assertThat(dir.resolve(StudyStore.FILE_NAME)).isEmptyDirectory();
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1); // no temporary file left behind
        }
    }

    @Test
    void fileThatIsNotAStoreIsRefusedUntouched() throws IOException {
        for (byte[] content : new byte[][] {new byte[0], "population: 8\n".getBytes(), randomBytes(9000)}) {
            Path dir = Files.createTempDirectory(tmp, "notastore");
            Path f = Files.write(dir.resolve(StudyStore.FILE_NAME), content);
            assertThatThrownBy(() -> StudyStore.openForWriting(dir))
                    .isInstanceOf(StoreException.class).hasMessageStartingWith("not a study store: " + f);
            assertThatThrownBy(() -> StudyStore.openReadOnly(dir))
                    .isInstanceOf(StoreException.class).hasMessageStartingWith("not a study store: " + f);
            assertThat(Files.readAllBytes(f)).isEqualTo(content);
        }
    }

    @Test
    void anMvStoreThatIsNotAStudyIsRefusedUntouched() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("foreign"));
        Path f = dir.resolve(StudyStore.FILE_NAME);
        MVStore other = new MVStore.Builder().fileName(f.toString()).open();
        MVMap<String, String> m = other.openMap("stuff");
        m.put("a", "b");
        other.close();
        byte[] before = Files.readAllBytes(f);
        assertThatThrownBy(() -> StudyStore.openForWriting(dir))
                .isInstanceOf(StoreException.class).hasMessageContaining("not a study store")
                .hasMessageContaining("without Sublayer study metadata");
        assertThatThrownBy(() -> StudyStore.openReadOnly(dir))
                .isInstanceOf(StoreException.class).hasMessageContaining("not a study store");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
    }

    @Test
    void truncatedOrCorruptFilesAreRefusedUntouched() throws IOException {
        Path dir = study("corrupt", 40);
        Path f = dir.resolve(StudyStore.FILE_NAME);
        byte[] good = Files.readAllBytes(f);
        Random rnd = new Random(7);
        int refused = 0;
        for (int round = 0; round < 12; round++) {
            byte[] bad;
            if (round % 2 == 0) {
                bad = Arrays.copyOf(good, 4096 + rnd.nextInt(good.length - 4096));
            } else {
                bad = good.clone();
                int at = 8192 + rnd.nextInt(good.length - 8192 - 512);
                for (int i = 0; i < 256; i++) {
                    bad[at + i] = (byte) rnd.nextInt();
                }
            }
            Files.write(f, bad);
            boolean truncated = bad.length < good.length;
            for (boolean write : new boolean[] {false, true}) {
                boolean opened = false;
                try (StudyStore s = write ? StudyStore.openForWriting(dir) : StudyStore.openReadOnly(dir)) {
                    // A writer that opened may change the file; damage in a page it had no reason to read yet
                    // surfaces (clearly) when that page is read.
                    opened = true;
                    assertThat(truncated).as("a truncated file must be refused").isFalse();
                    // Damage that only hit dead space (old chunks) does not matter: every trial must still be there.
                    assertThat(s.trials()).extracting(TrialRecord::key).containsExactlyElementsOf(keys(40));
                } catch (StoreException e) {
                    refused++;
                    assertThat(e.getMessage()).doesNotContain("\n").contains(f.toString())
                            .containsAnyOf("truncated", "corrupt");
                }
                if (!(opened && write)) {
                    assertThat(Files.readAllBytes(f)).isEqualTo(bad);
                }
            }
        }
        assertThat(refused).isGreaterThanOrEqualTo(12); // every truncation, read-only and for writing
    }

    @Test
    void newerSchemaIsRefusedOlderIsRefusedExplicitly() throws IOException {
        for (String v : new String[] {"2", "0"}) {
            Path dir = study("schema" + v, 1);
            Path f = dir.resolve(StudyStore.FILE_NAME);
            MVStore raw = new MVStore.Builder().fileName(f.toString()).open();
            raw.openMap("meta", new MVMap.Builder<String, String>()
                    .keyType(org.h2.mvstore.type.StringDataType.INSTANCE)
                    .valueType(org.h2.mvstore.type.StringDataType.INSTANCE)).put("schema_version", v);
            raw.close();
            byte[] before = Files.readAllBytes(f);
            if (v.equals("2")) {
                assertThatThrownBy(() -> StudyStore.openForWriting(dir)).isInstanceOf(StoreException.class)
                        .hasMessageContaining("uses store schema 2, newer than the schema 1")
                        .hasMessageContaining("newer Sublayer");
            } else {
                assertThatThrownBy(() -> StudyStore.openReadOnly(dir)).isInstanceOf(StoreException.class)
                        .hasMessageContaining("uses store schema 0, which this Sublayer cannot migrate");
            }
            assertThat(Files.readAllBytes(f)).isEqualTo(before);
        }
    }

    @Test
    void aValueOfANewerVersionIsNotMisread() {
        Path dir = study("value", 2);
        Path f = dir.resolve(StudyStore.FILE_NAME);
        MVStore raw = new MVStore.Builder().fileName(f.toString()).open();
        MVMap<Long, String> trials = raw.openMap("trials", new MVMap.Builder<Long, String>()
                .keyType(org.h2.mvstore.type.LongDataType.INSTANCE)
                .valueType(org.h2.mvstore.type.StringDataType.INSTANCE));
        trials.put(1L, trials.get(1L).replace("{\"v\":1,", "{\"v\":2,"));
        raw.close();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trial("t0")).isPresent();
            assertThatThrownBy(() -> s.trial("t1")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("trials/1/v: value version 2 is not supported")
                    .hasMessageContaining("upgrade Sublayer");
        }
    }

    @Test
    void readOnlyLocations() throws IOException {
        Path parent = Files.createDirectory(tmp.resolve("ro-parent"));
        Path existing = study("ro-study", 2);
        Path f = existing.resolve(StudyStore.FILE_NAME);
        byte[] before = Files.readAllBytes(f);
        try (ReadOnlyPath ro = ReadOnlyPath.of(parent); ReadOnlyPath ro2 = ReadOnlyPath.of(f)) {
            assertThat(ro.path()).isNotEqualTo(ro2.path());
            assertThatThrownBy(() -> StudyStore.create(parent.resolve("new"), Fixtures.info("n")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("cannot create study");
            assertThatThrownBy(() -> StudyStore.create(parent, Fixtures.info("n")))
                    .isInstanceOf(StoreException.class).hasMessageContaining("not writable");
            assertThatThrownBy(() -> StudyStore.openForWriting(existing))
                    .isInstanceOf(StoreException.class).hasMessageContaining("is read-only");
            try (StudyStore s = StudyStore.openReadOnly(existing)) {
                assertThat(s.trialCount()).isEqualTo(2);
            }
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        assertThat(parent).isEmptyDirectory();
    }

    private static java.util.List<String> keys(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> "t" + i).toList();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
