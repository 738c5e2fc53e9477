package dev.sublayer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link StudyStorage}'s contract in memory, and that nothing of it touches the disk. */
class InMemoryStudyStoreTest extends StudyStorageContract {

    @Override
    StudyStorage create(Path dir, StudyInfo info) {
        return InMemoryStudyStore.create(dir, info);
    }

    @Override
    StudyStorage reopenForWriting(StudyStorage storage) {
        return ((InMemoryStudyStore) storage).reopenForWriting();
    }

    @Override
    StudyStorage reopenReadOnly(StudyStorage storage) {
        return ((InMemoryStudyStore) storage).reopenReadOnly();
    }

    @Test
    void createsItsDirectoryAndWritesNothingThere() {
        Path dir = tmp.resolve("mem/study");
        try (InMemoryStudyStore s = InMemoryStudyStore.create(dir, Fixtures.info("mem"))) {
            s.putTrial(Fixtures.finished(new java.util.Random(1), "k", 0, 0, 3));
            s.logEvent("note", "x");
        }
        assertThat(dir).isEmptyDirectory();
    }
}
