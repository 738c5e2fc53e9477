package dev.sublayer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's files are replaced through {@code AtomicFiles}: failures leave the old file and no temporary one. */
class AtomicWritesTest {

    @TempDir
    Path tmp;

    @Test
    void anExportThatFailsMidwayLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path dir = tmp.resolve("study");
        Random rnd = new Random(5);
        try (StudyStore s = StudyStore.create(dir, Fixtures.info("x"), StudyStore.Durability.COMMIT)) {
            for (int i = 0; i < 50; i++) {
                s.putTrial(Fixtures.finished(rnd, "t" + i, 0, 0, 40));
            }
        }
        // A value of a newer version in the middle: the export reads it after writing the trials before it.
        MVStore raw = new MVStore.Builder().fileName(dir.resolve(StudyStore.FILE_NAME).toString()).open();
        MVMap<Long, String> trials = raw.openMap("trials", new MVMap.Builder<Long, String>()
                .keyType(LongDataType.INSTANCE).valueType(StringDataType.INSTANCE));
        trials.put(40L, trials.get(40L).replace("{\"v\":1,", "{\"v\":2,"));
        raw.close();
        Path out = Files.writeString(tmp.resolve("out.jsonl"), "old export");
        assertThatThrownBy(() -> StudyExport.toFile(dir, StudyExport.Format.JSONL, out))
                .isInstanceOf(StoreException.class).hasMessageContaining("trials/40/v: value version 2");
        assertThat(Files.readString(out)).isEqualTo("old export");
        assertThat(names(tmp)).containsExactly("out.jsonl", "study");
    }

    @Test
    void compactionKeepsTheStorePermissionsAndAnExportItsTarget() throws IOException {
        Path dir = tmp.resolve("perm");
        Random rnd = new Random(6);
        try (StudyStore s = StudyStore.create(dir, Fixtures.info("p"), StudyStore.Durability.COMMIT)) {
            for (int i = 0; i < 20; i++) {
                s.putTrial(Fixtures.finished(rnd, "t" + i, 0, 0, 10));
            }
        }
        Path file = dir.resolve(StudyStore.FILE_NAME);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        StudyMaintenance.compact(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        assertThat(names(dir)).containsExactly(StudyStore.FILE_NAME);

        Path out = Files.writeString(tmp.resolve("shared.csv"), "old");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-rw-r--"));
        StudyExport.toFile(dir, StudyExport.Format.CSV, out);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-rw-r--");
        assertThat(Files.readString(out)).startsWith("key,architecture,");
    }

    @Test
    void aNewStudyFileAndANewExportGetThePermissionsOfAnyNewFile() throws IOException {
        Path plain = Files.createFile(tmp.resolve("plain"));
        Path dir = tmp.resolve("fresh");
        StudyStore.create(dir, Fixtures.info("f")).close();
        assertThat(Files.getPosixFilePermissions(dir.resolve(StudyStore.FILE_NAME)))
                .isEqualTo(Files.getPosixFilePermissions(plain));
        Path out = tmp.resolve("new.csv");
        StudyExport.toFile(dir, StudyExport.Format.CSV, out);
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
    }

    private static java.util.List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
