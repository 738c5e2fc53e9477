package dev.sublayer.storage;

import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The store of one study on disk: one directory holding one MVStore file, {@value #FILE_NAME}, with the study
 * info, every trial, the generation checkpoints and an event log, all as versioned JSON. The
 * {@link StudyStorage} every study on disk uses.
 *
 * <p><b>Durability.</b> Auto-commit is off. Every mutating call ({@link #putTrial}, {@link #putGeneration},
 * {@link #logEvent}, {@link #updateInfo}) makes exactly one MVStore commit before it returns, so whatever a
 * call returned from survives the process being killed (SIGKILL, OOM killer) at any later moment. With
 * {@link Durability#SYNC} (the default) the file is also forced to the disk, so it survives a power cut or
 * kernel crash as well. A commit is atomic across all maps: a reopened store is always the state after some
 * complete call.
 *
 * <p><b>One writer.</b> MVStore locks the file: while a writer has it open no other process (and no other
 * store in this JVM) can open it, not even read-only; they get {@link StudyInUseException}. A writer therefore
 * publishes a snapshot of its latest commit beside the store, every few seconds while it changes, and
 * {@link #openForReading} reads a running study from that snapshot (see {@code StudySnapshot}).
 *
 * <p><b>Layout (schema {@value #SCHEMA_VERSION}).</b> Maps: {@code meta} (format, schema version),
 * {@code info} (the {@link StudyInfo}), {@code trials} (insertion sequence number → trial JSON),
 * {@code trial_summaries} (sequence number → status, generation, rung and key, read into memory on open so
 * queries select without reading curves), {@code generations} (generation → checkpoint JSON), {@code events}
 * (sequence number → event JSON). See storage/README.md.
 *
 * <p>Inside, each concept has its class: the file, its checks and its lock ({@code StoreFile}), the maps
 * ({@code StoreMaps}), the trials with their summary index ({@code TrialTable}), the generation and event
 * logs ({@code StudyLog}), commits and compaction ({@code CommitPolicy}) and bulk loading of new files
 * ({@code StudyBuilder}); this class opens them and serialises every call.
 *
 * <p>Methods are thread-safe; a reader view ({@link #openReadOnly}) refuses every mutation.
 */
public final class StudyStore implements StudyStorage {

    /** The name of the store file inside a study directory. */
    public static final String FILE_NAME = "study.mv.db";
    /** The schema this code writes; it reads this one and refuses newer ones. */
    public static final int SCHEMA_VERSION = 1;
    /** The trial key version of stores that do not record one (written by Sublayer 0.1.0 and before). */
    public static final String LEGACY_TRIAL_KEY_VERSION = "sublayer-trial-key-v1";
    /** The {@code meta} entry that records the trial key version. */
    static final String TRIAL_KEY_VERSION = "trial_key_version";

    /** How far a commit is pushed before a mutating call returns. */
    public enum Durability {
        /**
         * Commit to the operating system: survives the process being killed, not a power cut or kernel crash
         * (the last ~seconds of commits can be lost then; the file stays consistent).
         */
        COMMIT,
        /** Commit and force the file to the disk (fsync): survives power cuts too. */
        SYNC
    }

    private static final Logger LOG = LogManager.getLogger(StudyStore.class);

    private final StoreFile where;
    private final MVStore store;
    private final boolean readOnly;
    private final StoreMaps maps;
    private final TrialTable trials;
    private final StudyLog log;
    private final CommitPolicy commits;
    /** The writer's snapshot publisher; null for readers. */
    private StudySnapshot.Publisher publisher;
    /** Run once when a reader of a snapshot closes; null otherwise. */
    private Runnable onClose;
    private boolean closed;

    private StudyStore(StoreFile where, MVStore store, boolean readOnly, Durability durability) {
        this.where = where;
        this.store = store;
        this.readOnly = readOnly;
        this.commits = new CommitPolicy(where, store, durability);
        this.maps = StoreMaps.open(store);
        this.trials = new TrialTable(where, maps.trials(), maps.summaries());
        this.log = new StudyLog(where, maps.generations(), maps.events());
    }

    // ================================================================== opening

    /**
     * Creates a new study in {@code studyDir} (created if missing) and returns it open for writing, with
     * {@link Durability#SYNC}.
     *
     * @throws StoreException if the directory already holds a study file (or anything named like it), is not a
     *                        directory, or cannot be written; nothing existing is touched
     */
    public static StudyStore create(Path studyDir, StudyInfo studyInfo) {
        return create(studyDir, studyInfo, Durability.SYNC);
    }

    /** {@link #create(Path, StudyInfo)} with the given durability. */
    public static StudyStore create(Path studyDir, StudyInfo studyInfo, Durability durability) {
        return create(studyDir, studyInfo, durability, null);
    }

    /**
     * {@link #create(Path, StudyInfo)} recording that the study's trial keys are of version
     * {@code trialKeyVersion} (see {@link #trialKeyVersion()}).
     */
    public static StudyStore create(Path studyDir, StudyInfo studyInfo, String trialKeyVersion) {
        return create(studyDir, studyInfo, Durability.SYNC, java.util.Objects.requireNonNull(trialKeyVersion,
                "trialKeyVersion"));
    }

    private static StudyStore create(Path studyDir, StudyInfo studyInfo, Durability durability,
                                     String trialKeyVersion) {
        Path dir = studyDir.toAbsolutePath().normalize();
        StudyBuilder.buildNew(dir, "create study", init -> {
            init.init(studyInfo);
            if (trialKeyVersion != null) {
                init.trialKeyVersion(trialKeyVersion);
            }
            init.event(StudyEvent.studyCreated(studyInfo, Instant.now()));
        });
        LOG.info("created study '{}' in {}", studyInfo.name(), dir);
        return openWriter(dir, durability, false);
    }

    /**
     * Opens an existing study as its one writer, with {@link Durability#SYNC}. Trials left
     * {@link TrialStatus#RUNNING} by a process that died are marked {@link TrialStatus#INTERRUPTED} (to be
     * retried under the same key) and a {@code study_resumed} event is logged, in one commit.
     *
     * @throws StudyInUseException if another process (or store) has the study open
     * @throws StoreException      if there is no study, the file is corrupt, truncated, not a study store, was
     *                             written by a newer schema, or is read-only
     */
    public static StudyStore openForWriting(Path studyDir) {
        return openForWriting(studyDir, Durability.SYNC);
    }

    /** {@link #openForWriting(Path)} with the given durability. */
    public static StudyStore openForWriting(Path studyDir, Durability durability) {
        return openWriter(studyDir.toAbsolutePath().normalize(), durability, true);
    }

    /**
     * Opens a study that no process has open as its one writer for a change to its info or event log by a
     * maintenance command (e.g. a budget change), without resuming it: trials left {@code RUNNING} stay so and no
     * {@code study_resumed} is logged (the next search session does both).
     *
     * @throws StudyInUseException if another process (or store) has the study open
     * @throws StoreException      as for {@link #openForWriting(Path)}
     */
    public static StudyStore openForUpdate(Path studyDir) {
        return openWriter(studyDir.toAbsolutePath().normalize(), Durability.SYNC, false);
    }

    private static StudyStore openWriter(Path dir, Durability durability, boolean resume) {
        StoreFile f = StoreFile.check(dir);
        if (!Files.isWritable(f.file())) {
            throw new StoreException("cannot open study " + dir + " for writing: " + f.file()
                    + " is read-only (reports and exports can still read it)");
        }
        // Validate through a read-only open first: a writable open rewrites the file header at once, and a
        // truncated or foreign file must be refused before anything in it changes.
        try (StudyStore probe = openReadOnly(f, true)) {
            probe.trials(TrialStatus.RUNNING); // what resume will read
        }
        MVStore s = f.open(false);
        StudyStore st;
        try {
            if (s.isReadOnly()) {
                throw new StoreException("cannot open study " + dir + " for writing: " + f.file() + " is read-only");
            }
            st = new StudyStore(f, s, false, durability);
            f.checkSchema(st.maps.meta());
            st.trials.loadIndex();
        } catch (RuntimeException e) {
            s.closeImmediately();
            throw f.translateAny(e);
        }
        f.removeLeftoverCopies();
        if (resume) {
            try {
                st.resume();
            } catch (RuntimeException e) {
                s.closeImmediately();
                throw f.translateAny(e);
            }
        }
        StudySnapshot.writerOpened(dir);
        st.publisher = new StudySnapshot.Publisher(st);
        st.publisher.start();
        return st;
    }

    /**
     * Opens a closed study for reading only (report, export, info). Every mutating method throws.
     *
     * @throws StudyInUseException if a writer has the study open (MVStore admits no reader beside a writer)
     * @throws StoreException      as for {@link #openForWriting(Path)}, read-only aside
     */
    public static StudyStore openReadOnly(Path studyDir) {
        Path dir = studyDir.toAbsolutePath().normalize();
        return openReadOnly(StoreFile.check(dir), true);
    }

    /** How often, and how far apart, {@link #openForReading} looks for a running study's snapshot. */
    private static final int SNAPSHOT_ATTEMPTS = 10;
    private static final long SNAPSHOT_RETRY_MILLIS = 100;

    /**
     * Opens a study for reading, stopped or running: the store itself when no writer has it open, else the
     * snapshot of it that the writer published (see {@link #snapshotTime()}). A running study is read without
     * opening its store: the writer is neither blocked nor slowed. Every mutating method throws.
     *
     * @throws StudyInUseException if a writer has the study open and has published no snapshot (yet)
     * @throws StoreException      as for {@link #openReadOnly(Path)}
     */
    public static StudyStore openForReading(Path studyDir) {
        Path dir = studyDir.toAbsolutePath().normalize();
        Path file = StoreFile.studyFile(dir);
        for (int attempt = 1; ; attempt++) {
            if (!StudySnapshot.writerHolds(dir, file)) {
                try {
                    return openReadOnly(dir);
                } catch (StudyInUseException e) {
                    // a writer started since the probe: read its snapshot
                }
            }
            try {
                return StudySnapshot.open(dir);
            } catch (java.nio.file.NoSuchFileException e) {
                // No snapshot: the writer has just started (its first one is seconds away) or is closing (it
                // deletes its snapshot before it frees the store), or it is no search (a compaction, an older
                // Sublayer). Closing takes moments: look again for a second before saying so.
                if (attempt == SNAPSHOT_ATTEMPTS) {
                    throw StudyInUseException.noSnapshot(dir);
                }
                try {
                    Thread.sleep(SNAPSHOT_RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw StudyInUseException.noSnapshot(dir);
                }
            }
        }
    }

    /** Opens the snapshot {@code f} of the study in {@code dir}; {@code onClose} runs when it is closed. */
    static StudyStore openSnapshot(Path dir, Path f, Runnable onClose) {
        StudyStore st = openReadOnly(new StoreFile(dir, f), true);
        st.onClose = onClose;
        return st;
    }

    /** Opens the store file {@code f} of the study in {@code dir} read-only (also a temporary copy). */
    static StudyStore openReadOnly(Path dir, Path f, boolean loadIndex) {
        return openReadOnly(new StoreFile(dir, f), loadIndex);
    }

    private static StudyStore openReadOnly(StoreFile f, boolean loadIndex) {
        long headerVersion = f.headerVersion();
        MVStore s = f.open(true);
        try {
            f.checkComplete(s, headerVersion);
            StudyStore st = new StudyStore(f, s, true, Durability.COMMIT);
            f.checkSchema(st.maps.meta());
            if (loadIndex) {
                st.trials.loadIndex();
            }
            return st;
        } catch (RuntimeException e) {
            s.closeImmediately();
            throw f.translateAny(e);
        }
    }

    /** The store file of the study in {@code studyDir}. */
    public static Path studyFile(Path studyDir) {
        return StoreFile.studyFile(studyDir);
    }

    private synchronized void resume() {
        Resumption r = Resumption.of(trials(TrialStatus.RUNNING));
        List<TrialSummary> changed = new ArrayList<>();
        commits.mutate(() -> {
            for (TrialRecord t : r.interrupted()) {
                changed.add(trials.write(t));
            }
            log.append(r.event());
        });
        changed.forEach(trials::index);
        r.warnIfInterrupted(where.dir());
    }

    // ================================================================== info

    @Override
    public Path directory() {
        return where.dir();
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * When the snapshot this store reads was taken, if it is one ({@link #openForReading} of a running study);
     * empty when this is the study's store itself.
     */
    public Optional<Instant> snapshotTime() {
        if (onClose == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(StudySnapshot.time(where.guard(() -> maps.meta().get(StudySnapshot.TIME_KEY))));
    }

    /** The schema version of the open store. */
    public int schemaVersion() {
        return Integer.parseInt(maps.meta().get("schema_version"));
    }

    /**
     * The version of the trial keys this store's trials are stored under (the {@code trial_key_version} entry of
     * {@code meta}); {@value #LEGACY_TRIAL_KEY_VERSION} for stores written before stores recorded it.
     */
    public String trialKeyVersion() {
        String v = where.guard(() -> maps.meta().get(TRIAL_KEY_VERSION));
        return v == null ? LEGACY_TRIAL_KEY_VERSION : v;
    }

    @Override
    public synchronized StudyInfo info() {
        checkOpen();
        String json = where.guard(() -> maps.info().get("study"));
        if (json == null) {
            throw new StoreException("study file " + where.file() + " has no study info (damaged store)");
        }
        return StoreCodec.infoFromNode(where.parseStored(json, "info"), "info");
    }

    /** Replaces the study info (e.g. status, finished time); commits before returning. */
    @Override
    public synchronized void updateInfo(StudyInfo newInfo) {
        checkWritable();
        commits.mutate(() -> maps.info().put("study", StrictJson.text(StoreCodec.toNode(newInfo))));
    }

    // ================================================================== trials

    /**
     * Inserts a trial or replaces the trial with the same key (keeping its place in insertion order), and
     * commits before returning. A trial stored as {@code RUNNING} also logs a {@code trial_started} event and
     * one stored in a terminal state a {@code trial_finished} event, in the same commit: callers need not log
     * those themselves.
     */
    @Override
    public synchronized void putTrial(TrialRecord trial) {
        checkWritable();
        TrialSummary[] written = new TrialSummary[1];
        commits.mutate(() -> {
            written[0] = trials.write(trial);
            log.append(StudyEvent.trialStored(trial));
        });
        trials.index(written[0]);
    }

    @Override
    public synchronized Optional<TrialRecord> trial(String key) {
        checkOpen();
        return trials.get(key);
    }

    @Override
    public synchronized List<TrialRecord> trials() {
        checkOpen();
        return trials.all();
    }

    /** Hands every trial to {@code action} in insertion order, reading one at a time (for exports). */
    @Override
    public synchronized void forEachTrial(Consumer<? super TrialRecord> action) {
        checkOpen();
        trials.forEach(action);
    }

    @Override
    public synchronized long trialCount() {
        checkOpen();
        return trials.count();
    }

    @Override
    public synchronized List<TrialRecord> trials(TrialStatus status) {
        checkOpen();
        return trials.select(sum -> sum.status() == status);
    }

    @Override
    public synchronized List<TrialRecord> trialsOfGeneration(int generation) {
        checkOpen();
        return trials.select(sum -> sum.generation() == generation);
    }

    @Override
    public synchronized List<TrialRecord> completedAtRung(int rung) {
        checkOpen();
        return trials.select(sum -> sum.rung() == rung && sum.status() == TrialStatus.COMPLETED);
    }

    @Override
    public synchronized Map<TrialStatus, Long> countsByStatus() {
        checkOpen();
        return trials.countsByStatus();
    }

    /** The keys of every trial, in insertion order (cheap: no trial is read). */
    @Override
    public synchronized List<String> trialKeys() {
        checkOpen();
        return trials.keys();
    }

    // ================================================================== generations and events

    /**
     * Stores a generation checkpoint (replacing one with the same number), logs a {@code generation_done}
     * event, and commits before returning.
     */
    @Override
    public synchronized void putGeneration(GenerationRecord generation) {
        checkWritable();
        commits.mutate(() -> {
            log.putGeneration(generation);
            log.append(StudyEvent.generationDone(generation));
        });
    }

    @Override
    public synchronized List<GenerationRecord> generations() {
        checkOpen();
        return log.generations();
    }

    @Override
    public synchronized Optional<GenerationRecord> lastGeneration() {
        checkOpen();
        return log.lastGeneration();
    }

    @Override
    public synchronized long generationCount() {
        checkOpen();
        return log.generationCount();
    }

    /** Appends an event (time now) and commits before returning. */
    @Override
    public synchronized void logEvent(String type, String message) {
        checkWritable();
        StudyEvent e = new StudyEvent(Instant.now(), type, message);
        commits.mutate(() -> log.append(e));
    }

    @Override
    public synchronized List<StudyEvent> events() {
        checkOpen();
        return log.events();
    }

    @Override
    public synchronized long eventCount() {
        checkOpen();
        return log.eventCount();
    }

    // ================================================================== the file

    /** The size of the study's store file in bytes (of the store, not its snapshot, when reading one). */
    public long fileSize() {
        try {
            return Files.size(onClose == null ? where.file() : StoreFile.studyFile(where.dir()));
        } catch (IOException e) {
            throw new StoreException("cannot read the size of " + where.file() + ": " + StoreFile.reason(e), e);
        }
    }

    /**
     * Commits (for a writer) and closes the file, releasing the lock. Closing twice is harmless. A writer first
     * stops publishing snapshots and, once closed, deletes its snapshot.
     */
    @Override
    public void close() {
        if (publisher != null) {
            publisher.stop(); // outside this store's lock: a publication in progress holds it
        }
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        try {
            closeFile();
        } finally {
            if (publisher != null) {
                StudySnapshot.writerClosed(where.dir());
            }
        }
    }

    private synchronized void closeFile() {
        if (closed) {
            return;
        }
        closed = true;
        if (store.isClosed()) {
            return; // a failed write (a full disk) closed it, and that failure was thrown where it happened
        }
        try {
            if (!readOnly) {
                commits.commit();
            }
            store.close();
        } catch (MVStoreException e) {
            throw where.translate(e);
        } finally {
            if (onClose != null) {
                onClose.run();
            }
        }
    }

    /**
     * Copies the latest commit into the empty file {@code tmpFile} as a readers' snapshot, unless nothing was
     * committed since version {@code since}; returns the version copied, or -1 when nothing changed or the store
     * is closed.
     */
    synchronized long snapshotInto(long since, Path tmpFile) {
        if (closed) {
            return -1;
        }
        long version = store.getCurrentVersion();
        if (version == since) {
            return -1;
        }
        StudyBuilder.copy(where, maps, tmpFile, false,
                java.util.Map.of(StudySnapshot.TIME_KEY, Instant.now().toString()));
        return version;
    }

    /**
     * Writes a fresh copy of every map into the empty file {@code tmpFile} and closes it: the full compaction of
     * {@link StudyMaintenance#compact}.
     */
    synchronized void copyInto(Path tmpFile) {
        checkOpen();
        StudyBuilder.copy(where, maps, tmpFile);
    }

    /** Test hook: compact every {@code commits} commits instead of every {@value CommitPolicy#COMPACT_EVERY}. */
    synchronized void compactEvery(int every) {
        commits.compactEvery(every);
    }

    /** Test hook: the compaction rounds that rewrote chunks since this store was opened. */
    synchronized int compactionsDone() {
        return commits.compactionsDone();
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("study " + where.dir() + " is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (readOnly) {
            throw new StoreException("study " + where.dir() + " was opened read-only");
        }
    }
}
