package dev.sublayer.storage;

import java.nio.file.Path;

/** {@link StudyStorage}'s contract on the MVStore file. */
class StudyStoreContractTest extends StudyStorageContract {

    @Override
    StudyStorage create(Path dir, StudyInfo info) {
        // COMMIT: the contract says nothing of fsync, and this keeps the test fast.
        return StudyStore.create(dir, info, StudyStore.Durability.COMMIT);
    }

    @Override
    StudyStorage reopenForWriting(StudyStorage storage) {
        return StudyStore.openForWriting(storage.directory(), StudyStore.Durability.COMMIT);
    }

    @Override
    StudyStorage reopenReadOnly(StudyStorage storage) {
        return StudyStore.openReadOnly(storage.directory());
    }
}
