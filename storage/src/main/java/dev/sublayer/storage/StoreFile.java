package dev.sublayer.storage;

import dev.sublayer.io.IoFailures;
import dev.sublayer.trial.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import tools.jackson.databind.JsonNode;

/**
 * One study's MVStore file: where it is, the checks made before MVStore touches it (so a wrong path is never
 * "repaired" into an empty store), opening it (MVStore's file lock makes its writer the only user), the
 * checks that it is a complete study store of a schema this code reads, and the one-line wording of every
 * failure, which names the file.
 */
final class StoreFile {

    private static final org.apache.logging.log4j.Logger LOG =
            org.apache.logging.log4j.LogManager.getLogger(StudyStore.class);

    /** The value of the {@code format} entry of the {@code meta} map. */
    static final String FORMAT = "sublayer-study";
    /** The prefix of temporary store files. */
    static final String TMP_PREFIX = "study.";
    /** The suffix of temporary store files (ignored by git; left only if the JVM dies mid-build). */
    static final String TMP_SUFFIX = ".mv.db.tmp";

    private final Path dir;
    private final Path file;

    /** The file {@code file} of the study in {@code dir} (absolute, normalised). */
    StoreFile(Path dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    /** The study directory. */
    Path dir() {
        return dir;
    }

    /** The store file (the study file, or a temporary file being built or checked). */
    Path file() {
        return file;
    }

    /** The store file of the study in {@code studyDir}. */
    static Path studyFile(Path studyDir) {
        return studyDir.toAbsolutePath().normalize().resolve(StudyStore.FILE_NAME);
    }

    // ================================================================== before MVStore

    /**
     * Checks everything that can be checked before MVStore touches the file of the study in {@code dir}, and
     * returns it.
     */
    static StoreFile check(Path dir) {
        if (!Files.exists(dir)) {
            throw new StoreException("no study at " + dir + ": the directory does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new StoreException("no study at " + dir + ": it is a file, not a study directory");
        }
        Path f = dir.resolve(StudyStore.FILE_NAME);
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
        StoreFile sf = new StoreFile(dir, f);
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new StoreException("cannot read study " + dir + ": " + reason(e), e);
        }
        if (n == 0) {
            throw sf.notAStudy("the file is empty");
        }
        // An MVStore file starts with its text header "H:2,block:...".
        String start = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (!start.startsWith("H:")) {
            throw sf.notAStudy("it does not start with an MVStore header");
        }
        return sf;
    }

    /**
     * The newest store version named by either copy of the MVStore file header (text such as
     * {@code H:2,block:3,...,version:2,fletcher:...} in blocks 0 and 1), or 0 if none can be parsed. The file
     * must hold at least that version; if it does not, its tail is missing.
     */
    long headerVersion() {
        byte[] head = new byte[2 * 4096];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + reason(e), e);
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

    /**
     * Deletes the temporary store files ({@value #TMP_PREFIX}…{@value #TMP_SUFFIX}) left in the study directory by
     * a process that died while building or compacting a copy (a killed {@code study compact}). Call only while
     * holding the study's write lock: a running compaction holds the store open, so no writer can open it, and a
     * new study or an import builds its file where no study file exists yet.
     */
    void removeLeftoverCopies() {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(TMP_PREFIX) && name.endsWith(TMP_SUFFIX) && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    LOG.info("study {}: removed {}, left by a process that ended while writing a copy of the store",
                            dir, name);
                }
            }
        } catch (IOException e) {
            LOG.warn("study {}: cannot remove leftover temporary store files: {}", dir, reason(e));
        }
    }

    // ================================================================== opening and checking

    /**
     * The H2 file system prefix MVStore opens study files through: empty (the disk) except in tests, which put a
     * file system that fails writes in between (a seam for the full disk, which cannot otherwise be made at will).
     */
    static volatile String fileSystem = "";

    /** Opens the file with MVStore (taking its lock), auto-commit off, pages compressed. */
    MVStore open(boolean readOnly) {
        MVStore.Builder b = new MVStore.Builder().fileName(fileSystem + file).autoCommitDisabled();
        // LZF page compression halves the size of JSON-heavy pages at no measurable cost in speed.
        b.compress();
        if (readOnly) {
            b.readOnly();
        }
        try {
            return b.open();
        } catch (MVStoreException e) {
            throw translate(e);
        }
    }

    /**
     * Refuses a file whose tail is missing ({@code headerVersion}, read before opening, is newer than what
     * MVStore could read) or that lacks one of the study maps.
     */
    void checkComplete(MVStore s, long headerVersion) {
        if (s.getCurrentVersion() < headerVersion) {
            throw new StoreException("study file " + file + " is truncated or damaged: its header records version "
                    + headerVersion + " but only version " + s.getCurrentVersion() + " can be read; it was not "
                    + "modified: restore it from a backup or an export");
        }
        if (!s.hasMap("meta")) {
            throw notAStudy("an MVStore file without Sublayer study metadata");
        }
        for (String map : StoreMaps.NAMES) {
            if (!s.hasMap(map)) {
                throw notAStudy("it has no '" + map + "' map");
            }
        }
    }

    /** Refuses a store of another format or a newer schema; an older schema would be migrated here. */
    void checkSchema(MVMap<String, String> meta) {
        String format = meta.get("format");
        if (!FORMAT.equals(format)) {
            throw notAStudy(format == null ? "an MVStore file without Sublayer study metadata"
                    : "its format is '" + format + "', expected '" + FORMAT + "'");
        }
        String v = meta.get("schema_version");
        int version;
        try {
            version = Integer.parseInt(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw notAStudy("schema_version is '" + v + "', expected an integer");
        }
        if (version > StudyStore.SCHEMA_VERSION) {
            throw new StoreException("study " + dir + " uses store schema " + version + ", newer than the schema "
                    + StudyStore.SCHEMA_VERSION + " this Sublayer reads: open it with a newer Sublayer");
        }
        if (version < StudyStore.SCHEMA_VERSION) {
            // Schema 1 is the first; there is nothing older to migrate from, so anything below it is foreign.
            throw new StoreException("study " + dir + " uses store schema " + version + ", which this Sublayer "
                    + "cannot migrate (it reads schema " + StudyStore.SCHEMA_VERSION + ")");
        }
    }

    // ================================================================== reading values

    /** Runs a read of MVStore pages, turning MVStore's failures (a damaged page) into a clear error. */
    <T> T guard(Supplier<T> read) {
        try {
            return read.get();
        } catch (MVStoreException e) {
            throw translate(e);
        }
    }

    /** Parses a stored JSON document found at {@code path} (e.g. {@code trials/12}). */
    JsonNode parseStored(String json, String path) {
        try {
            return StrictJson.parse(json);
        } catch (IllegalArgumentException e) {
            throw unreadable(path, e);
        }
    }

    // ================================================================== failures

    /** The clear error for an MVStore failure on this file. */
    StoreException translate(MVStoreException e) {
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
            return new StoreException("study file " + file + " is corrupt or truncated (" + what + "); it was not "
                    + "modified: restore it from a backup or an export", e);
        }
        if (code == DataUtils.ERROR_UNSUPPORTED_FORMAT) {
            return new StoreException("study file " + file + " was written in a newer MVStore format than this "
                    + "Sublayer reads (" + what + ")", e);
        }
        if (IoFailures.refusal(e).isPresent()) {
            // MVStore's own words name a channel ("Writing to sun.nio.ch.FileChannelImpl@… failed"); a store that
            // failed to write is closed, and every later call fails with that failure as its cause.
            return new StoreException(IoFailures.describe(e, file) + " (the study store could not be written; it "
                    + "holds every change made before)", e);
        }
        if (code == DataUtils.ERROR_WRITING_FAILED) {
            return new StoreException("cannot write study file " + file + ": " + IoFailures.describe(e, null), e);
        }
        return new StoreException("cannot open study file " + file + " (" + what + ")", e);
    }

    /** {@code e} as is if it is not an MVStore failure, else its clear error. */
    RuntimeException translateAny(RuntimeException e) {
        return e instanceof MVStoreException mv ? translate(mv) : e;
    }

    StoreException notAStudy(String why) {
        return new StoreException("not a study store: " + file + " (" + why + "); it was not modified");
    }

    StoreException unreadable(String path, IllegalArgumentException e) {
        return new StoreException("study file " + file + " holds an unreadable value at " + path + ": "
                + firstLine(e.getMessage()), e);
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** What went wrong with a file operation, in one line. */
    static String reason(Exception e) {
        String m = e.getMessage();
        String name = e.getClass().getSimpleName();
        if (e instanceof AccessDeniedException) {
            return "permission denied (" + m + ")";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason() + " (" + fse.getFile() + ")";
        }
        return m == null ? name : firstLine(m);
    }
}
