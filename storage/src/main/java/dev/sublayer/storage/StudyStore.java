package dev.sublayer.storage;

import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import tools.jackson.databind.JsonNode;

/**
 * The store of one study: one directory holding one MVStore file, {@value #FILE_NAME}, with the study info,
 * every trial, the generation checkpoints and an event log, all as versioned JSON.
 *
 * <p><b>Durability.</b> Auto-commit is off. Every mutating call ({@link #putTrial}, {@link #putGeneration},
 * {@link #logEvent}, {@link #updateInfo}) makes exactly one MVStore commit before it returns, so whatever a
 * call returned from survives the process being killed (SIGKILL, OOM killer) at any later moment. With
 * {@link Durability#SYNC} (the default) the file is also forced to the disk, so it survives a power cut or
 * kernel crash as well. A commit is atomic across all maps: a reopened store is always the state after some
 * complete call.
 *
 * <p><b>One writer.</b> MVStore locks the file: while a writer has it open no other process (and no other
 * store in this JVM) can open it, not even read-only; they get {@link StudyInUseException}.
 *
 * <p><b>Layout (schema {@value #SCHEMA_VERSION}).</b> Maps: {@code meta} (format, schema version, trial key version),
 * {@code info} (the {@link StudyInfo}), {@code trials} (insertion sequence number → trial JSON),
 * {@code trial_summaries} (sequence number → status, generation, rung and key, read into memory on open so
 * queries select without reading curves), {@code generations} (generation → checkpoint JSON), {@code events}
 * (sequence number → event JSON). See storage/README.md.
 *
 * <p>Methods are thread-safe; a reader view ({@link #openReadOnly}) refuses every mutation.
 */
public final class StudyStore implements AutoCloseable {

    /** The name of the store file inside a study directory. */
    public static final String FILE_NAME = "study.mv.db";
    /** The schema this code writes; it reads this one and refuses newer ones. */
    public static final int SCHEMA_VERSION = 1;
    /** The value of the {@code format} entry of the {@code meta} map. */
    static final String FORMAT = "sublayer-study";
    /** The trial key version of stores that do not record one (written by Sublayer 0.1.0 and before). */
    public static final String LEGACY_TRIAL_KEY_VERSION = "sublayer-trial-key-v1";
    private static final String TRIAL_KEY_VERSION = "trial_key_version";

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

    /** Commits between two rounds of chunk compaction. */
    private static final int COMPACT_EVERY = 100;
    /** Chunks filled below this percentage are rewritten by a compaction round. */
    private static final int COMPACT_FILL_RATE = 80;
    /** The most bytes one compaction round rewrites. */
    private static final int COMPACT_WRITE_LIMIT = 16 << 20;
    private static final List<String> MAP_NAMES = List.of("meta", "info", "trials", "trial_summaries",
            "generations", "events");
    private static final Logger LOG = LogManager.getLogger(StudyStore.class);
    private static final String INTERRUPTED_WHY = "the process ended while the trial was running";

    private final Path dir;
    private final Path file;
    private final MVStore store;
    private final boolean readOnly;
    private final Durability durability;
    private final MVMap<String, String> meta;
    private final MVMap<String, String> info;
    private final MVMap<Long, String> trials;
    private final MVMap<Long, String> summaries;
    private final MVMap<Long, String> generations;
    private final MVMap<Long, String> events;
    /** In-memory index over {@link #summaries}, in insertion order; changed only after a commit succeeded. */
    private final LinkedHashMap<String, TrialSummary> byKey = new LinkedHashMap<>();
    private boolean closed;
    private int commitsSinceCompaction;
    private int compactEvery = COMPACT_EVERY;
    private int compactionsDone;
    private long bulkOps;

    private StudyStore(Path dir, MVStore store, boolean readOnly, Durability durability) {
        this(dir, dir.resolve(FILE_NAME), store, readOnly, durability);
    }

    private StudyStore(Path dir, Path file, MVStore store, boolean readOnly, Durability durability) {
        this.dir = dir;
        this.file = file;
        this.store = store;
        this.readOnly = readOnly;
        this.durability = durability;
        if (durability == Durability.SYNC) {
            // Every commit is forced to disk before the next one, so a chunk that no longer holds live data can
            // be reused at once. Without the fsync, MVStore's default grace period (45 s, for the OS to flush)
            // must stay, or a power cut could find a reused chunk still referenced by the durable state.
            store.setRetentionTime(0);
        }
        this.meta = stringMap(store, "meta");
        this.info = stringMap(store, "info");
        this.trials = longMap(store, "trials");
        this.summaries = longMap(store, "trial_summaries");
        this.generations = longMap(store, "generations");
        this.events = longMap(store, "events");
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
        buildNew(dir, "create study", init -> {
            init.bulkInit(studyInfo);
            if (trialKeyVersion != null) {
                init.bulkTrialKeyVersion(trialKeyVersion);
            }
            init.appendEvent(new StudyEvent(Instant.now(), "study_created", "study '" + studyInfo.name()
                    + "' created with seed " + studyInfo.seed()));
        });
        LOG.info("created study '{}' in {}", studyInfo.name(), dir);
        return openWriter(dir, durability, false);
    }

    /**
     * Builds a complete new study file under a temporary name in {@code dir} and renames it into place, so a
     * failure never leaves a half-written study behind. {@code fill} gets the store of the temporary file,
     * for the {@code bulk*} methods; it is committed, forced to disk and closed before the rename.
     *
     * @param verb what is being done, for error messages (e.g. {@code "import into"})
     */
    static void buildNew(Path dir, String verb, Consumer<StudyStore> fill) {
        Path target = dir.resolve(FILE_NAME);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new StoreException("cannot " + verb + " " + dir + ": it is a file, not a directory");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new StoreException("cannot " + verb + " " + dir + ": it already holds " + target
                    + " (choose a new directory)");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot " + verb + " " + dir + ": cannot create the directory: " + reason(e),
                    e);
        }
        if (!Files.isWritable(dir)) {
            throw new StoreException("cannot " + verb + " " + dir + ": the directory is not writable");
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "study.", TMP_SUFFIX);
        } catch (IOException e) {
            throw new StoreException("cannot " + verb + " " + dir + ": " + reason(e), e);
        }
        try {
            MVStore s = openMv(dir, tmp, false);
            try {
                StudyStore building = new StudyStore(dir, tmp, s, false, Durability.COMMIT);
                fill.accept(building);
                s.commit();
                s.sync();
            } finally {
                s.close();
            }
            Files.move(tmp, target);
        } catch (FileAlreadyExistsException e) {
            deleteQuietly(tmp);
            throw new StoreException("cannot " + verb + " " + dir + ": another process created " + target
                    + " at the same time", e);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            if (e instanceof StoreException se) {
                throw se;
            }
            String why = e instanceof MVStoreException mv ? firstLine(mv.getMessage()) : reason(e);
            throw new StoreException("cannot " + verb + " " + dir + ": " + why, e);
        }
    }

    /** The suffix of temporary store files (ignored by git; left only if the JVM dies mid-build). */
    static final String TMP_SUFFIX = ".mv.db.tmp";

    /**
     * Writes a fresh copy of every map of {@code src} into the empty file {@code tmpFile}, entry by entry
     * (values are copied as stored, so the content is identical), in large commits, and closes it. The copy
     * holds only live data: this is the full compaction of {@link StudyMaintenance#compact}.
     */
    static void copyInto(StudyStore src, Path tmpFile) {
        MVStore s = openMv(src.dir, tmpFile, false);
        try {
            StudyStore dst = new StudyStore(src.dir, tmpFile, s, false, Durability.COMMIT);
            src.guard(() -> {
                copyMap(src.meta, dst.meta, dst);
                copyMap(src.info, dst.info, dst);
                copyMap(src.trials, dst.trials, dst);
                copyMap(src.summaries, dst.summaries, dst);
                copyMap(src.generations, dst.generations, dst);
                copyMap(src.events, dst.events, dst);
                return null;
            });
            s.commit();
            s.sync();
        } finally {
            s.close();
        }
    }

    private static <K, V> void copyMap(MVMap<K, V> from, MVMap<K, V> to, StudyStore dst) {
        Cursor<K, V> c = from.cursor(null);
        while (c.hasNext()) {
            K k = c.next();
            to.put(k, c.getValue());
            dst.bulkTick();
        }
    }

    /** The number of generation checkpoints. */
    public synchronized long generationCount() {
        checkOpen();
        return generations.sizeAsLong();
    }

    /** The number of events in the log. */
    public synchronized long eventCount() {
        checkOpen();
        return events.sizeAsLong();
    }

    // ------------------------------------------------------------------ bulk loading (new files only)

    /** Writes the format, schema version and study info of a store being built. */
    void bulkInit(StudyInfo studyInfo) {
        meta.put("format", FORMAT);
        meta.put("schema_version", Integer.toString(SCHEMA_VERSION));
        meta.put("created_by", String.valueOf(studyInfo.provenance().sublayerVersion()));
        info.put("study", TrialJson.text(StoreCodec.toNode(studyInfo)));
    }

    /** Records the trial key version of a store being built. */
    void bulkTrialKeyVersion(String version) {
        meta.put(TRIAL_KEY_VERSION, version);
    }

    /** Adds a trial to a store being built, logging no event; {@code false} if the key is already there. */
    boolean bulkTrial(TrialRecord t) {
        if (byKey.containsKey(t.key())) {
            return false;
        }
        TrialSummary sum = writeTrial(t);
        byKey.put(sum.key(), sum);
        bulkTick();
        return true;
    }

    /** Adds a generation checkpoint to a store being built, logging no event. */
    void bulkGeneration(GenerationRecord g) {
        generations.put(sortable(g.generation()), TrialJson.text(StoreCodec.toNode(g)));
        bulkTick();
    }

    /** Appends an event, as it is, to a store being built. */
    void bulkEvent(StudyEvent e) {
        appendEvent(e);
        bulkTick();
    }

    // Without auto-commit, MVStore keeps every change in memory until the next commit: bound that.
    private void bulkTick() {
        if (++bulkOps % 1000 == 0) {
            store.commit();
        }
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

    private static StudyStore openWriter(Path dir, Durability durability, boolean resume) {
        Path f = checkStudyFile(dir);
        if (!Files.isWritable(f)) {
            throw new StoreException("cannot open study " + dir + " for writing: " + f
                    + " is read-only (reports and exports can still read it)");
        }
        // Validate through a read-only open first: a writable open rewrites the file header at once, and a
        // truncated or foreign file must be refused before anything in it changes.
        try (StudyStore probe = openReadOnly(dir, f, true)) {
            probe.trials(TrialStatus.RUNNING); // what markInterrupted will read
        }
        MVStore s = openMv(dir, f, false);
        StudyStore st;
        try {
            if (s.isReadOnly()) {
                throw new StoreException("cannot open study " + dir + " for writing: " + f + " is read-only");
            }
            st = new StudyStore(dir, s, false, durability);
            st.checkSchema();
            st.loadIndex();
        } catch (RuntimeException e) {
            s.closeImmediately();
            throw e instanceof MVStoreException mv ? translate(dir, f, mv) : e;
        }
        if (resume) {
            try {
                st.markInterrupted();
            } catch (RuntimeException e) {
                s.closeImmediately();
                throw e instanceof MVStoreException mv ? translate(dir, f, mv) : e;
            }
        }
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
        return openReadOnly(dir, checkStudyFile(dir), true);
    }

    static StudyStore openReadOnly(Path dir, Path f, boolean loadIndex) {
        long headerVersion = headerVersion(f);
        MVStore s = openMv(dir, f, true);
        try {
            if (s.getCurrentVersion() < headerVersion) {
                throw new StoreException("study file " + f + " is truncated or damaged: its header records version "
                        + headerVersion + " but only version " + s.getCurrentVersion() + " can be read; it was not "
                        + "modified: restore it from a backup or an export");
            }
            if (!s.hasMap("meta")) {
                throw notAStudy(dir, f, "an MVStore file without Sublayer study metadata");
            }
            for (String map : MAP_NAMES) {
                if (!s.hasMap(map)) {
                    throw notAStudy(dir, f, "it has no '" + map + "' map");
                }
            }
            StudyStore st = new StudyStore(dir, f, s, true, Durability.COMMIT);
            st.checkSchema();
            if (loadIndex) {
                st.loadIndex();
            }
            return st;
        } catch (RuntimeException e) {
            s.closeImmediately();
            throw e instanceof MVStoreException mv ? translate(dir, f, mv) : e;
        }
    }

    /** The store file of the study in {@code studyDir}. */
    public static Path studyFile(Path studyDir) {
        return studyDir.toAbsolutePath().normalize().resolve(FILE_NAME);
    }

    /**
     * Checks everything that can be checked before MVStore touches the file, so a wrong path is never
     * "repaired" into an empty store.
     */
    static Path checkStudyFile(Path dir) {
        if (!Files.exists(dir)) {
            throw new StoreException("no study at " + dir + ": the directory does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new StoreException("no study at " + dir + ": it is a file, not a study directory");
        }
        Path f = dir.resolve(FILE_NAME);
        if (!Files.exists(f)) {
            throw new StoreException("no study at " + dir + ": " + f + " does not exist");
        }
        if (Files.isDirectory(f)) {
            throw new StoreException("not a study store: " + f + " is a directory, expected the study file");
        }
        if (!Files.isRegularFile(f)) {
            throw new StoreException("not a study store: " + f + " is not a regular file");
        }
        if (!Files.isReadable(f)) {
            throw new StoreException("cannot read study " + dir + ": " + f + " is not readable");
        }
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new StoreException("cannot read study " + dir + ": " + reason(e), e);
        }
        if (n == 0) {
            throw notAStudy(dir, f, "the file is empty");
        }
        // An MVStore file starts with its text header "H:2,block:...".
        String start = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (!start.startsWith("H:")) {
            throw notAStudy(dir, f, "it does not start with an MVStore header");
        }
        return f;
    }

    /**
     * The newest store version named by either copy of the MVStore file header (text such as
     * {@code H:2,block:3,...,version:2,fletcher:...} in blocks 0 and 1), or 0 if none can be parsed. The file
     * must hold at least that version; if it does not, its tail is missing.
     */
    static long headerVersion(Path f) {
        byte[] head = new byte[2 * 4096];
        int n;
        try (InputStream in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new StoreException("cannot read " + f + ": " + reason(e), e);
        }
        long best = 0;
        for (int at = 0; at < n; at += 4096) {
            int end = at;
            while (end < n && end < at + 4096 && head[end] != '\n' && head[end] != 0) {
                end++;
            }
            String line = new String(head, at, end - at, StandardCharsets.ISO_8859_1);
            if (!line.startsWith("H:")) {
                continue;
            }
            for (String field : line.split(",")) {
                if (field.startsWith("version:")) {
                    try {
                        best = Math.max(best, Long.parseLong(field.substring(8), 16));
                    } catch (NumberFormatException e) {
                        // A damaged copy: MVStore itself decides whether the other copy is usable.
                    }
                }
            }
        }
        return best;
    }

    private static MVStore openMv(Path dir, Path f, boolean readOnly) {
        MVStore.Builder b = new MVStore.Builder().fileName(f.toString()).autoCommitDisabled();
        // LZF page compression halves the size of JSON-heavy pages at no measurable cost in speed.
        b.compress();
        if (readOnly) {
            b.readOnly();
        }
        try {
            return b.open();
        } catch (MVStoreException e) {
            throw translate(dir, f, e);
        }
    }

    private static StoreException translate(Path dir, Path f, MVStoreException e) {
        int code = e.getErrorCode();
        if (code == DataUtils.ERROR_FILE_LOCKED) {
            return new StudyInUseException(dir, e);
        }
        String what = firstLine(e.getMessage());
        if (what.length() > 160) {
            what = what.substring(0, 157) + "...";
        }
        if (code == DataUtils.ERROR_FILE_CORRUPT || code == DataUtils.ERROR_CHUNK_NOT_FOUND
                || code == DataUtils.ERROR_BLOCK_NOT_FOUND || code == DataUtils.ERROR_READING_FAILED) {
            return new StoreException("study file " + f + " is corrupt or truncated (" + what + "); it was not "
                    + "modified: restore it from a backup or an export", e);
        }
        if (code == DataUtils.ERROR_UNSUPPORTED_FORMAT) {
            return new StoreException("study file " + f + " was written in a newer MVStore format than this "
                    + "Sublayer reads (" + what + ")", e);
        }
        if (code == DataUtils.ERROR_WRITING_FAILED) {
            return new StoreException("cannot write study file " + f + " (" + what + ")", e);
        }
        return new StoreException("cannot open study file " + f + " (" + what + ")", e);
    }

    private static StoreException notAStudy(Path dir, Path f, String why) {
        return new StoreException("not a study store: " + f + " (" + why + "); it was not modified");
    }

    /** Refuses a store of another format or a newer schema; an older schema would be migrated here. */
    private void checkSchema() {
        String format = meta.get("format");
        if (!FORMAT.equals(format)) {
            throw notAStudy(dir, file, format == null ? "an MVStore file without Sublayer study metadata"
                    : "its format is '" + format + "', expected '" + FORMAT + "'");
        }
        String v = meta.get("schema_version");
        int version;
        try {
            version = Integer.parseInt(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw notAStudy(dir, file, "schema_version is '" + v + "', expected an integer");
        }
        if (version > SCHEMA_VERSION) {
            throw new StoreException("study " + dir + " uses store schema " + version + ", newer than the schema "
                    + SCHEMA_VERSION + " this Sublayer reads: open it with a newer Sublayer");
        }
        if (version < SCHEMA_VERSION) {
            // Schema 1 is the first; there is nothing older to migrate from, so anything below it is foreign.
            throw new StoreException("study " + dir + " uses store schema " + version + ", which this Sublayer "
                    + "cannot migrate (it reads schema " + SCHEMA_VERSION + ")");
        }
    }

    private void loadIndex() {
        Cursor<Long, String> c = summaries.cursor(null);
        while (c.hasNext()) {
            Long seq = c.next();
            TrialSummary sum;
            try {
                sum = TrialSummary.decode(seq, c.getValue());
            } catch (IllegalArgumentException e) {
                throw unreadable("trial_summaries/" + seq, e);
            }
            byKey.put(sum.key(), sum);
        }
        if (byKey.size() != trials.sizeAsLong()) {
            throw new StoreException("study file " + file + " is damaged: " + byKey.size() + " trial summaries for "
                    + trials.sizeAsLong() + " trials");
        }
    }

    private synchronized void markInterrupted() {
        List<TrialRecord> running = trials(TrialStatus.RUNNING);
        List<TrialSummary> changed = new ArrayList<>();
        StringBuilder msg = new StringBuilder("study resumed");
        if (!running.isEmpty()) {
            msg.append("; ").append(running.size()).append(" running trial(s) marked interrupted:");
            running.stream().limit(20).forEach(t -> msg.append(' ').append(t.key()));
            if (running.size() > 20) {
                msg.append(" ...");
            }
        }
        mutate(() -> {
            for (TrialRecord t : running) {
                changed.add(writeTrial(t.interrupted(INTERRUPTED_WHY)));
            }
            appendEvent(new StudyEvent(Instant.now(), "study_resumed", msg.toString()));
        });
        changed.forEach(sum -> byKey.put(sum.key(), sum));
        if (!running.isEmpty()) {
            LOG.warn("study {}: {} trial(s) were running when the last process ended; marked interrupted",
                    dir, running.size());
        }
    }

    // ================================================================== info

    /** The study directory (absolute). */
    public Path directory() {
        return dir;
    }

    /** Whether this store was opened read-only. */
    public boolean isReadOnly() {
        return readOnly;
    }

    /** The schema version of the open store. */
    public int schemaVersion() {
        return Integer.parseInt(meta.get("schema_version"));
    }

    /**
     * The version of the trial keys this store's trials are stored under (the {@code trial_key_version} entry of
     * {@code meta}); {@value #LEGACY_TRIAL_KEY_VERSION} for stores written before stores recorded it.
     */
    public String trialKeyVersion() {
        String v = guard(() -> meta.get(TRIAL_KEY_VERSION));
        return v == null ? LEGACY_TRIAL_KEY_VERSION : v;
    }

    /** The study info. */
    public synchronized StudyInfo info() {
        checkOpen();
        String json = guard(() -> info.get("study"));
        if (json == null) {
            throw new StoreException("study file " + file + " has no study info (damaged store)");
        }
        return StoreCodec.infoFromNode(parseStored(json, "info"), "info");
    }

    /** Replaces the study info (e.g. status, finished time); commits before returning. */
    public synchronized void updateInfo(StudyInfo newInfo) {
        checkWritable();
        mutate(() -> info.put("study", TrialJson.text(StoreCodec.toNode(newInfo))));
    }

    // ================================================================== trials

    /**
     * Inserts a trial or replaces the trial with the same key (keeping its place in insertion order), and
     * commits before returning. A trial stored as {@code RUNNING} also logs a {@code trial_started} event and
     * one stored in a terminal state a {@code trial_finished} event, in the same commit: callers need not log
     * those themselves.
     */
    public synchronized void putTrial(TrialRecord trial) {
        checkWritable();
        TrialSummary[] written = new TrialSummary[1];
        mutate(() -> {
            written[0] = writeTrial(trial);
            appendEvent(trialEvent(trial));
        });
        byKey.put(written[0].key(), written[0]);
    }

    private static StudyEvent trialEvent(TrialRecord t) {
        Instant time = t.finished() != null ? t.finished() : Instant.now();
        if (t.status() == TrialStatus.RUNNING) {
            return new StudyEvent(t.started(), "trial_started", t.key() + " " + t.architecture() + " rung "
                    + t.rung());
        }
        String msg = t.key() + " " + t.status().configName();
        double bpb = t.result().metrics().validBitsPerByte();
        if (!Double.isNaN(bpb)) {
            msg += " bits/byte " + bpb;
        }
        if (!t.result().failure().isEmpty()) {
            msg += ": " + firstLine(t.result().failure());
        }
        return new StudyEvent(time, t.status() == TrialStatus.INTERRUPTED ? "trial_interrupted" : "trial_finished",
                msg);
    }

    /**
     * Writes a trial and its summary without committing; returns the summary for the in-memory index, which
     * the caller updates once the commit succeeded.
     */
    private TrialSummary writeTrial(TrialRecord t) {
        TrialSummary old = byKey.get(t.key());
        long seq;
        if (old != null) {
            seq = old.seq();
        } else {
            Long last = trials.lastKey();
            seq = last == null ? 0L : last + 1;
        }
        TrialSummary sum = TrialSummary.of(seq, t);
        trials.put(seq, TrialJson.text(StoreCodec.toNode(t)));
        summaries.put(seq, sum.encode());
        return sum;
    }

    /** The trial with this key. */
    public synchronized Optional<TrialRecord> trial(String key) {
        checkOpen();
        TrialSummary sum = byKey.get(key);
        return sum == null ? Optional.empty() : Optional.of(readTrial(sum.seq()));
    }

    /** Every trial, in the order their keys were first stored. */
    public synchronized List<TrialRecord> trials() {
        checkOpen();
        return guard(() -> {
            List<TrialRecord> out = new ArrayList<>((int) Math.min(trials.sizeAsLong(), 1 << 20));
            Cursor<Long, String> c = trials.cursor(null);
            while (c.hasNext()) {
                Long seq = c.next();
                out.add(parseTrial(seq, c.getValue()));
            }
            return out;
        });
    }

    /** Hands every trial to {@code action} in insertion order, reading one at a time (for exports). */
    public synchronized void forEachTrial(Consumer<? super TrialRecord> action) {
        checkOpen();
        guard(() -> {
            Cursor<Long, String> c = trials.cursor(null);
            while (c.hasNext()) {
                Long seq = c.next();
                action.accept(parseTrial(seq, c.getValue()));
            }
            return null;
        });
    }

    /** The number of trials. */
    public synchronized long trialCount() {
        checkOpen();
        return trials.sizeAsLong();
    }

    /** The trials with this status, in insertion order. */
    public synchronized List<TrialRecord> trials(TrialStatus status) {
        checkOpen();
        return select(sum -> sum.status() == status);
    }

    /** The trials asked for by this generation, in insertion order. */
    public synchronized List<TrialRecord> trialsOfGeneration(int generation) {
        checkOpen();
        return select(sum -> sum.generation() == generation);
    }

    /** The {@code COMPLETED} trials at this rung, in insertion order. */
    public synchronized List<TrialRecord> completedAtRung(int rung) {
        checkOpen();
        return select(sum -> sum.rung() == rung && sum.status() == TrialStatus.COMPLETED);
    }

    /** How many trials have each status (every status present, zero where none). */
    public synchronized Map<TrialStatus, Long> countsByStatus() {
        checkOpen();
        Map<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
        for (TrialStatus s : TrialStatus.values()) {
            counts.put(s, 0L);
        }
        for (TrialSummary sum : byKey.values()) {
            counts.merge(sum.status(), 1L, Long::sum);
        }
        return counts;
    }

    /** The keys of every trial, in insertion order (cheap: no trial is read). */
    public synchronized List<String> trialKeys() {
        checkOpen();
        return List.copyOf(byKey.keySet());
    }

    /** The first {@code COMPLETED} trial that is smallest by {@code order}; empty if none completed. */
    public synchronized Optional<TrialRecord> best(Comparator<? super TrialRecord> order) {
        checkOpen();
        TrialRecord best = null;
        for (TrialRecord t : trials(TrialStatus.COMPLETED)) {
            if (best == null || order.compare(t, best) < 0) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The {@code COMPLETED} trial with the smallest value of {@code objective} (to be minimised, e.g.
     * {@link TrialMetrics#validBitsPerByte()}); trials whose value is {@code NaN} are skipped, ties go to the
     * earliest.
     */
    public synchronized Optional<TrialRecord> bestBy(ToDoubleFunction<? super TrialMetrics> objective) {
        checkOpen();
        TrialRecord best = null;
        double bestValue = Double.NaN;
        for (TrialRecord t : trials(TrialStatus.COMPLETED)) {
            double v = objective.applyAsDouble(t.result().metrics());
            if (!Double.isNaN(v) && (best == null || v < bestValue)) {
                best = t;
                bestValue = v;
            }
        }
        return Optional.ofNullable(best);
    }

    private List<TrialRecord> select(Predicate<TrialSummary> which) {
        List<TrialRecord> out = new ArrayList<>();
        for (TrialSummary sum : byKey.values()) {
            if (which.test(sum)) {
                out.add(readTrial(sum.seq()));
            }
        }
        return out;
    }

    private TrialRecord readTrial(long seq) {
        String json = guard(() -> trials.get(seq));
        if (json == null) {
            throw new StoreException("study file " + file + " is damaged: trial summary points at missing trial #"
                    + seq);
        }
        return parseTrial(seq, json);
    }

    private TrialRecord parseTrial(long seq, String json) {
        String path = "trials/" + seq;
        try {
            return StoreCodec.trialFromNode(parseStored(json, path), path);
        } catch (IllegalArgumentException e) {
            throw unreadable(path, e);
        }
    }

    // ================================================================== generations

    /**
     * Stores a generation checkpoint (replacing one with the same number), logs a {@code generation_done}
     * event, and commits before returning.
     */
    public synchronized void putGeneration(GenerationRecord generation) {
        checkWritable();
        mutate(() -> {
            generations.put(sortable(generation.generation()), TrialJson.text(StoreCodec.toNode(generation)));
            appendEvent(new StudyEvent(generation.time(), "generation_done", "generation " + generation.generation()
                    + ": " + generation.trialsDone() + " trials done, hypervolume " + generation.hypervolume()
                    + ", best bits/byte " + generation.bestBitsPerByte()));
        });
    }

    /** Every generation checkpoint, by generation number. */
    public synchronized List<GenerationRecord> generations() {
        checkOpen();
        return guard(() -> {
            List<GenerationRecord> out = new ArrayList<>();
            Cursor<Long, String> c = generations.cursor(null);
            while (c.hasNext()) {
                Long k = c.next();
                out.add(parseGeneration(k, c.getValue()));
            }
            return out;
        });
    }

    /** The checkpoint with the highest generation number. */
    public synchronized Optional<GenerationRecord> lastGeneration() {
        checkOpen();
        return guard(() -> {
            Long k = generations.lastKey();
            return k == null ? Optional.empty() : Optional.of(parseGeneration(k, generations.get(k)));
        });
    }

    private GenerationRecord parseGeneration(long k, String json) {
        String path = "generations/" + (k + Integer.MIN_VALUE);
        try {
            return StoreCodec.generationFromNode(parseStored(json, path), path);
        } catch (IllegalArgumentException e) {
            throw unreadable(path, e);
        }
    }

    private static long sortable(int generation) {
        return (long) generation - Integer.MIN_VALUE;
    }

    // ================================================================== events

    /** Appends an event (time now) and commits before returning. */
    public synchronized void logEvent(String type, String message) {
        checkWritable();
        StudyEvent e = new StudyEvent(Instant.now(), type, message);
        mutate(() -> appendEvent(e));
    }

    /** The event log, oldest first. */
    public synchronized List<StudyEvent> events() {
        checkOpen();
        return guard(() -> {
            List<StudyEvent> out = new ArrayList<>();
            Cursor<Long, String> c = events.cursor(null);
            while (c.hasNext()) {
                Long k = c.next();
                String path = "events/" + k;
                try {
                    out.add(StoreCodec.eventFromNode(parseStored(c.getValue(), path), path));
                } catch (IllegalArgumentException e) {
                    throw unreadable(path, e);
                }
            }
            return out;
        });
    }

    private void appendEvent(StudyEvent e) {
        Long last = events.lastKey();
        events.put(last == null ? 0L : last + 1, TrialJson.text(StoreCodec.toNode(e)));
    }

    // ================================================================== plumbing

    /** Runs the changes and commits them as one unit; on failure rolls back to the last commit. */
    private void mutate(Runnable changes) {
        try {
            changes.run();
            commit();
        } catch (RuntimeException e) {
            try {
                store.rollback();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof MVStoreException mv) {
                throw translate(dir, file, mv);
            }
            throw e;
        }
        maybeCompact();
    }

    private void commit() {
        store.commit();
        if (durability == Durability.SYNC) {
            store.sync();
        }
    }

    /**
     * Merges the small chunks that one-commit-per-trial produces. MVStore keeps one metadata entry per live
     * chunk and rewrites part of that table on every commit, so without this the file grows by ~35 KB per
     * trial and every commit gets slower. This is the compaction MVStore's own background writer runs; it
     * commits like any other change, so a crash during it leaves the last complete commit.
     */
    private void maybeCompact() {
        if (++commitsSinceCompaction < compactEvery) {
            return;
        }
        commitsSinceCompaction = 0;
        try {
            if (store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_LIMIT)) {
                compactionsDone++;
                if (durability == Durability.SYNC) {
                    store.sync();
                }
            }
        } catch (MVStoreException e) {
            // The caller's change is already committed; a failed compaction only leaves the file larger.
            LOG.warn("study {}: chunk compaction failed, the file stays larger: {}", dir, firstLine(e.getMessage()));
        }
    }

    /** Test hook: compact every {@code commits} commits instead of every {@value #COMPACT_EVERY}. */
    synchronized void compactEvery(int commits) {
        compactEvery = commits;
    }

    /** Test hook: the compaction rounds that rewrote chunks since this store was opened. */
    synchronized int compactionsDone() {
        return compactionsDone;
    }

    /** Runs a read of MVStore pages, turning MVStore's failures (a damaged page) into a clear error. */
    private <T> T guard(Supplier<T> read) {
        try {
            return read.get();
        } catch (MVStoreException e) {
            throw translate(dir, file, e);
        }
    }

    private JsonNode parseStored(String json, String path) {
        try {
            return TrialJson.parse(json);
        } catch (IllegalArgumentException e) {
            throw unreadable(path, e);
        }
    }

    private StoreException unreadable(String path, IllegalArgumentException e) {
        return new StoreException("study file " + file + " holds an unreadable value at " + path + ": "
                + firstLine(e.getMessage()), e);
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("study " + dir + " is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (readOnly) {
            throw new StoreException("study " + dir + " was opened read-only");
        }
    }

    /** The size of the store file in bytes. */
    public long fileSize() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StoreException("cannot read the size of " + file + ": " + reason(e), e);
        }
    }

    /** Commits (for a writer) and closes the file, releasing the lock. Closing twice is harmless. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!readOnly) {
                commit();
            }
            store.close();
        } catch (MVStoreException e) {
            throw translate(dir, file, e);
        }
    }

    /** The raw MVStore, for maintenance in this package only. */
    MVStore mvStore() {
        return store;
    }

    private static MVMap<String, String> stringMap(MVStore s, String name) {
        return s.openMap(name, new MVMap.Builder<String, String>()
                .keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE));
    }

    private static MVMap<Long, String> longMap(MVStore s, String name) {
        return s.openMap(name, new MVMap.Builder<Long, String>()
                .keyType(LongDataType.INSTANCE).valueType(StringDataType.INSTANCE));
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String reason(Exception e) {
        String m = e.getMessage();
        String name = e.getClass().getSimpleName();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (" + m + ")";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason() + " (" + fse.getFile() + ")";
        }
        return m == null ? name : firstLine(m);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not delete temporary file {}: {}", p, e.getMessage());
        }
    }
}
