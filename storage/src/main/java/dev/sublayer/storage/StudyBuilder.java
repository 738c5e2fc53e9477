package dev.sublayer.storage;

import dev.sublayer.io.AtomicFiles;
import dev.sublayer.trial.StrictJson;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Bulk loading of a store file that nobody else sees yet: a new study ({@link StudyStore#create}), an import
 * ({@link StudyImport}) or the copy a full compaction writes ({@link StudyMaintenance#compact}). Values go in
 * as they are, with no events of their own, committed every 1000 entries rather than one call at a time; the
 * file is committed, forced to the disk and closed before it is renamed into place, so a failure never leaves
 * a half-written study behind.
 */
final class StudyBuilder {

    /** Entries written between two commits: without auto-commit MVStore holds every change in memory. */
    private static final int COMMIT_EVERY = 1000;

    private final MVStore store;
    private final StoreMaps maps;
    private final TrialTable trials;
    private final StudyLog log;
    private long ops;

    private StudyBuilder(StoreFile where, MVStore store) {
        this.store = store;
        this.maps = StoreMaps.open(store);
        this.trials = new TrialTable(where, maps.trials(), maps.summaries());
        this.log = new StudyLog(where, maps.generations(), maps.events());
    }

    /**
     * Builds a complete new study file under a temporary name in {@code dir} and renames it into place.
     * {@code fill} gets the builder of the temporary file.
     *
     * @param verb what is being done, for error messages (e.g. {@code "import into"})
     * @throws StoreException if {@code dir} already holds a study file (or anything named like it), is not a
     *                        directory or cannot be written, or {@code fill} fails; nothing existing is touched
     */
    static void buildNew(Path dir, String verb, Consumer<StudyBuilder> fill) {
        Path target = dir.resolve(StudyStore.FILE_NAME);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new StoreException("cannot " + verb + " " + dir + ": it is a file, not a directory");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException("cannot " + verb + " " + dir + ": it already holds " + target
                    + " (choose a new directory)");
        }
        Path created = firstMissing(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot " + verb + " " + dir + ": cannot create the directory: "
                    + StoreFile.reason(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new StoreException("cannot " + verb + " " + dir + ": the directory is not writable");
        }
        try {
            build(dir, target, verb, fill);
        } catch (RuntimeException e) {
            // Nothing half-made stays behind: not the file, nor the directories made for it.
            removeCreated(dir, created);
            throw e;
        }
    }

    private static void build(Path dir, Path target, String verb, Consumer<StudyBuilder> fill) {
        try (AtomicFiles.Pending tmp = AtomicFiles.begin(target, StoreFile.TMP_PREFIX, StoreFile.TMP_SUFFIX)) {
            StoreFile where = new StoreFile(dir, tmp.path());
            MVStore s = where.open(false);
            try {
                fill.accept(new StudyBuilder(where, s));
                s.commit();
                s.sync();
            } finally {
                s.close();
            }
            tmp.createTarget();
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("cannot " + verb + " " + dir + ": another process created " + target
                    + " at the same time", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof StoreException se) {
                throw se;
            }
            String why = e instanceof MVStoreException mv ? StoreFile.firstLine(mv.getMessage())
                    : StoreFile.reason(e);
            throw new StoreException("cannot " + verb + " " + dir + ": " + why, e);
        }
    }

    /** The outermost directory of {@code dir}'s path that does not exist yet, or {@code null} if it exists. */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    /** Deletes {@code dir} and its parents up to {@code created}, which this build made, where they are empty. */
    private static void removeCreated(Path dir, Path created) {
        if (created == null) {
            return;
        }
        for (Path p = dir; p != null && p.startsWith(created); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                return; // not empty (someone else wrote there) or not ours to delete: leave it
            }
        }
    }

    /**
     * Writes a fresh copy of every map of a store ({@code src} in the file {@code from}) into the empty file
     * {@code tmpFile}, entry by entry (values as stored, so the content is identical), and closes it. The copy
     * holds only live data: this is the full compaction of {@link StudyMaintenance#compact}.
     */
    static void copy(StoreFile from, StoreMaps src, Path tmpFile) {
        copy(from, src, tmpFile, true, java.util.Map.of());
    }

    /**
     * {@link #copy(StoreFile, StoreMaps, Path)} with {@code extraMeta} added to the copy's {@code meta} map, and
     * without forcing the file to the disk unless {@code sync} (a readers' snapshot is disposable).
     */
    static void copy(StoreFile from, StoreMaps src, Path tmpFile, boolean sync, java.util.Map<String, String> extraMeta) {
        StoreFile where = new StoreFile(from.dir(), tmpFile);
        MVStore s = where.open(false);
        try {
            StudyBuilder dst = new StudyBuilder(where, s);
            from.guard(() -> {
                src.copyTo(dst.maps, dst::tick);
                return null;
            });
            dst.maps.meta().putAll(extraMeta);
            s.commit();
            if (sync) {
                s.sync();
            }
        } finally {
            s.close();
        }
    }

    /** Writes the format, schema version and study info. */
    void init(StudyInfo studyInfo) {
        maps.meta().put("format", StoreFile.FORMAT);
        maps.meta().put("schema_version", Integer.toString(StudyStore.SCHEMA_VERSION));
        maps.meta().put("created_by", String.valueOf(studyInfo.provenance().sublayerVersion()));
        maps.info().put("study", StrictJson.text(StoreCodec.toNode(studyInfo)));
    }

    /** Records the trial key version (see {@link StudyStore#trialKeyVersion()}). */
    void trialKeyVersion(String version) {
        maps.meta().put(StudyStore.TRIAL_KEY_VERSION, version);
    }

    /** Adds a trial, logging no event; {@code false} if a trial with its key is already there. */
    boolean trial(TrialRecord t) {
        if (trials.contains(t.key())) {
            return false;
        }
        trials.index(trials.write(t));
        tick();
        return true;
    }

    /** Adds a generation checkpoint, logging no event. */
    void generation(GenerationRecord g) {
        log.putGeneration(g);
        tick();
    }

    /** Appends an event, as it is. */
    void event(StudyEvent e) {
        log.append(e);
        tick();
    }

    private void tick() {
        if (++ops % COMMIT_EVERY == 0) {
            store.commit();
        }
    }
}
