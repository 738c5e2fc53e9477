package dev.sublayer.storage;

import dev.sublayer.io.AtomicFiles;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Maintenance of closed studies: full compaction and a summary of what a store holds. */
public final class StudyMaintenance {

    private static final Logger LOG = LogManager.getLogger(StudyMaintenance.class);

    /**
     * The outcome of a compaction.
     *
     * @param studyFile   the store file
     * @param bytesBefore its size before
     * @param bytesAfter  its size after
     */
    public record Compaction(Path studyFile, long bytesBefore, long bytesAfter) {

        /** The one-line summary the CLI prints. */
        public String summary() {
            return String.format(java.util.Locale.ROOT, "%s: %d -> %d bytes (%.1f%%)", studyFile, bytesBefore,
                    bytesAfter, bytesBefore == 0 ? 100.0 : 100.0 * bytesAfter / bytesBefore);
        }
    }

    /**
     * What a store holds.
     *
     * @param studyDir       the study directory
     * @param schemaVersion  the store schema version
     * @param study          the study info
     * @param trials         the number of trials
     * @param byStatus       trial counts by status (every status, zero where none)
     * @param generations    the number of generation checkpoints
     * @param lastGeneration the highest generation number, if any checkpoint exists
     * @param events         the number of events
     * @param fileBytes      the size of the store file
     */
    public record StoreInfo(Path studyDir, int schemaVersion, StudyInfo study, long trials,
            Map<TrialStatus, Long> byStatus, long generations, Optional<Integer> lastGeneration, long events,
            long fileBytes) {

        public StoreInfo {
            byStatus = Map.copyOf(byStatus);
        }
    }

    private StudyMaintenance() {
    }

    /**
     * Fully compacts the closed study in {@code studyDir}: writes a fresh copy holding only live data beside
     * the store and atomically renames it over the store. The original stays untouched until the complete,
     * verified copy replaces it, so a crash at any moment leaves one whole store; the store is held open
     * read-only meanwhile, so no writer can start.
     *
     * @throws StudyInUseException if a writer has the study open
     * @throws StoreException      if the study cannot be read or the directory not written
     */
    public static Compaction compact(Path studyDir) {
        Path dir = studyDir.toAbsolutePath().normalize();
        Path file = StudyStore.studyFile(dir);
        try (StudyStore src = StudyStore.openReadOnly(dir)) {
            long before = src.fileSize();
            long trials = src.trialCount();
            long gens = src.generationCount();
            long events = src.eventCount();
            StudyInfo info = src.info();
            try (AtomicFiles.Pending tmp = AtomicFiles.begin(file, StoreFile.TMP_PREFIX, StoreFile.TMP_SUFFIX)) {
                src.copyInto(tmp.path());
                try (StudyStore copy = StudyStore.openReadOnly(dir, tmp.path(), true)) {
                    if (copy.trialCount() != trials || copy.generationCount() != gens || copy.eventCount() != events
                            || !copy.info().equals(info)) {
                        throw new StoreException("cannot compact study " + dir + ": the compacted copy does not "
                                + "match the store (nothing was changed)");
                    }
                }
                // The copy takes the store's permissions as it replaces it.
                tmp.replaceTarget();
            } catch (IOException | RuntimeException e) {
                if (e instanceof StoreException se) {
                    throw se;
                }
                throw new StoreException("cannot compact study " + dir + ": "
                        + (e instanceof IOException io ? StoreFile.reason(io) : e.getMessage()), e);
            }
            Compaction result = new Compaction(file, before, sizeOf(file));
            LOG.info("compacted {}", result.summary());
            return result;
        }
    }

    /** Summarises the closed study in {@code studyDir}. */
    public static StoreInfo info(Path studyDir) {
        try (StudyStore s = StudyStore.openReadOnly(studyDir)) {
            return info(s);
        }
    }

    /** Summarises the open {@code store} (e.g. a running study's snapshot; the file size is the store's). */
    public static StoreInfo info(StudyStore s) {
        return new StoreInfo(s.directory(), s.schemaVersion(), s.info(), s.trialCount(), s.countsByStatus(),
                s.generationCount(), s.lastGeneration().map(GenerationRecord::generation), s.eventCount(),
                s.fileSize());
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new StoreException("cannot read the size of " + f + ": " + StoreFile.reason(e), e);
        }
    }
}
