package dev.sublayer.storage;

import dev.sublayer.trial.TrialStatus;
import dev.sublayer.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Moves a closed study's trials to another trial key version: every trial is stored again under the key the
 * caller computed for it, and the store records the new version.
 *
 * <p>The store file is never changed in place. First a backup copy of it is written beside it
 * ({@code study.mv.db.<old version>.bak}); then a complete new store is built under a temporary name, holding
 * the same info, trials (re-keyed, in the same order), generation checkpoints and events, plus a
 * {@code trial_keys_upgraded} event; it is checked against the old one and renamed over it in one atomic
 * move. A crash at any moment therefore leaves either the old store or the new one. The old store is held open
 * read-only throughout, so no writer can start meanwhile.
 *
 * <p>Two trials that get the same new key (a study resumed by a release whose keys had silently changed
 * trained the same trial twice) become one: the later replaces the earlier in the earlier's place, as a retry
 * under one key would, unless only the earlier completed. Generation checkpoints hold no keys; events keep the
 * keys they were written with, as history.
 */
public final class TrialKeyUpgrade {

    private static final Logger LOG = LogManager.getLogger(TrialKeyUpgrade.class);

    /** The type of the event an upgrade logs. */
    public static final String EVENT = "trial_keys_upgraded";

    /**
     * What an upgrade did.
     *
     * @param studyDir    the study directory
     * @param fromVersion the key version before
     * @param toVersion   the key version after
     * @param trials      trials stored before
     * @param superseded  trials dropped because a later trial got the same new key
     * @param backup      the backup copy of the old store
     * @param message     the message of the event logged in the study
     */
    public record Result(Path studyDir, String fromVersion, String toVersion, int trials, int superseded, Path backup,
                         String message) {
    }

    private TrialKeyUpgrade() {
    }

    /**
     * The backup file of a store whose trial keys are of version {@code version}: {@code study.mv.db.v1.bak} for
     * {@code sublayer-trial-key-v1}.
     */
    public static Path backupFile(Path studyDir, String version) {
        String shortName = version.startsWith("sublayer-trial-key-") ? version.substring(19) : version;
        return StudyStore.studyFile(studyDir).resolveSibling(StudyStore.FILE_NAME + "." + shortName + ".bak");
    }

    /**
     * Re-keys the closed study in {@code studyDir} from key version {@code fromVersion} to {@code toVersion}.
     *
     * @param newKeys the new key of every trial, by its current key
     * @param detail  appended to the event's message (e.g. what happened to files named by keys); may be empty
     * @throws StudyInUseException if a writer has the study open
     * @throws StoreException      if the store's keys are not of {@code fromVersion} (another process upgraded it),
     *                             a trial has no new key, or the directory cannot be written; the store is then
     *                             unchanged
     */
    public static Result rekey(Path studyDir, String fromVersion, String toVersion, Map<String, String> newKeys,
                               String detail) {
        Path dir = studyDir.toAbsolutePath().normalize();
        Path file = StudyStore.studyFile(dir);
        try (StudyStore old = StudyStore.openReadOnly(dir)) {
            if (!old.trialKeyVersion().equals(fromVersion)) {
                throw new StoreException("cannot upgrade the trial keys of study " + dir + " from " + fromVersion
                        + ": its keys are " + old.trialKeyVersion());
            }
            List<TrialRecord> trials = old.trials();
            Map<String, TrialRecord> rekeyed = new LinkedHashMap<>();
            for (TrialRecord t : trials) {
                String key = newKeys.get(t.key());
                if (key == null) {
                    throw new StoreException("cannot upgrade the trial keys of study " + dir + ": trial " + t.key()
                            + " has no new key (nothing was changed)");
                }
                rekeyed.merge(key, t.withKey(key), TrialKeyUpgrade::survivor);
            }
            int superseded = trials.size() - rekeyed.size();
            Path backup = backupFile(dir, fromVersion);
            String message = "trial keys upgraded " + shortName(fromVersion) + " -> " + shortName(toVersion) + ": "
                    + trials.size() + " trials" + (superseded > 0 ? " (" + superseded + " superseded by a later trial "
                    + "of the same key)" : "") + (detail.isEmpty() ? "" : ", " + detail) + ", backup at " + backup;
            List<GenerationRecord> generations = old.generations();
            List<StudyEvent> events = old.events();
            StudyInfo info = old.info();
            Path work = null;
            try {
                copy(file, backup);
                work = Files.createTempDirectory(dir, "study.upgrade.");
                Path building = work;
                StudyBuilder.buildNew(building, "upgrade the trial keys of", store -> {
                    store.init(info);
                    store.trialKeyVersion(toVersion);
                    rekeyed.values().forEach(store::trial);
                    generations.forEach(store::generation);
                    events.forEach(store::event);
                    store.event(new StudyEvent(Instant.now(), EVENT, message));
                });
                Path built = StudyStore.studyFile(building);
                try (StudyStore copy = StudyStore.openReadOnly(building, built, true)) {
                    if (copy.trialCount() != rekeyed.size() || copy.generationCount() != generations.size()
                            || copy.eventCount() != events.size() + 1L || !copy.info().equals(info)
                            || !copy.trialKeyVersion().equals(toVersion)
                            || !copy.trialKeys().equals(List.copyOf(rekeyed.keySet()))) {
                        throw new StoreException("cannot upgrade the trial keys of study " + dir + ": the new store "
                                + "does not match the old one (nothing was changed)");
                    }
                }
                copyPermissions(file, built);
                move(built, file);
            } catch (IOException e) {
                throw new StoreException("cannot upgrade the trial keys of study " + dir + ": " + StoreFile.reason(e)
                        + " (nothing was changed)", e);
            } finally {
                deleteTree(work);
            }
            LOG.info("study {}: {}", dir, message);
            return new Result(dir, fromVersion, toVersion, trials.size(), superseded, backup, message);
        }
    }

    /** Of two trials with one new key, the one to keep: the later, unless only the earlier completed. */
    private static TrialRecord survivor(TrialRecord earlier, TrialRecord later) {
        boolean earlierDone = earlier.status() == TrialStatus.COMPLETED;
        boolean laterDone = later.status() == TrialStatus.COMPLETED;
        return earlierDone && !laterDone ? earlier : later;
    }

    private static String shortName(String version) {
        return version.startsWith("sublayer-trial-key-") ? version.substring(19) : version;
    }

    /** Copies {@code from} to {@code to} through a temporary file, so {@code to} is whole or absent. */
    private static void copy(Path from, Path to) throws IOException {
        AtomicFiles.write(to, out -> Files.copy(from, out));
    }

    private static void move(Path from, Path to) throws IOException {
        AtomicFiles.replace(from, to);
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (view != null) {
            Files.setPosixFilePermissions(to, view.readAttributes().permissions());
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the temporary directory {}: {}", dir, e.getMessage());
        }
    }
}
