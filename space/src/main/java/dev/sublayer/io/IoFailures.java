package dev.sublayer.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the file system refused, in words a user can act on, found under the wrapping of the libraries in
 * between. A full disk reaches Java as an {@link IOException} whose message is the operating system's "No space
 * left on device", without a path; MVStore wraps it as {@code Writing to sun.nio.ch.FileChannelImpl@… failed},
 * jte as {@code Failed to render …}. This class finds the root refusal in a chain of causes and names it with the
 * path it concerns: {@code no space left on device: /runs/s/study.mv.db}.
 *
 * <p>The refusals it names ({@link Refusal}) are faults of the user's environment, not of the input or of
 * Sublayer: a command that meets one exits with the environment's exit code (2) and the study can continue
 * once the environment is fixed.
 */
public final class IoFailures {

    /** A refusal of the file system that the user's environment causes, with its words. */
    public enum Refusal {
        /** ENOSPC: the file system is full. */
        NO_SPACE("no space left on device", "No space left on device"),
        /** EDQUOT: the user's quota on the file system is spent. */
        QUOTA("disk quota exceeded", "Disk quota exceeded"),
        /** EACCES: the permissions forbid it. */
        PERMISSION_DENIED("permission denied", "Permission denied"),
        /** EPERM: forbidden whatever the permissions (e.g. an immutable file or directory). */
        NOT_PERMITTED("operation not permitted", "Operation not permitted"),
        /** EROFS: the file system is mounted read-only. */
        READ_ONLY("read-only file system", "Read-only file system"),
        /** ENOENT: a directory on the way does not exist. */
        NO_SUCH_FILE("no such file or directory", "No such file or directory");

        private final String words;
        private final String systemMessage;

        Refusal(String words, String systemMessage) {
            this.words = words;
            this.systemMessage = systemMessage;
        }

        /** The refusal in lower-case words, e.g. {@code no space left on device}. */
        public String words() {
            return words;
        }

        /** Whether the file system is out of room (full, or the quota spent): freeing space fixes it. */
        public boolean outOfSpace() {
            return this == NO_SPACE || this == QUOTA;
        }
    }

    private IoFailures() {
    }

    /** The refusal at the root of {@code failure}'s chain of causes, if one of them is a known refusal. */
    public static Optional<Refusal> refusal(Throwable failure) {
        Refusal found = null;
        for (Throwable t : chain(failure)) {
            Refusal r = refusalOf(t);
            if (r != null) {
                found = r; // the deepest one is the root
            }
        }
        return Optional.ofNullable(found);
    }

    /** Whether {@code failure} comes from a file system out of room (no space left, quota exceeded). */
    public static boolean outOfSpace(Throwable failure) {
        return refusal(failure).map(Refusal::outOfSpace).orElse(false);
    }

    /**
     * Whether {@code failure} is a refusal that the environment causes whatever is written: no space left, a quota
     * spent, permissions, a read-only file system. A missing file is not one of them: it can be what the failed
     * operation itself was about (a checkpoint never written).
     */
    public static boolean byEnvironment(Throwable failure) {
        return refusal(failure).filter(r -> r != Refusal.NO_SUCH_FILE).isPresent();
    }

    /** The deepest path a {@link FileSystemException} in {@code failure}'s chain names, if any. */
    public static Optional<Path> path(Throwable failure) {
        Path found = null;
        for (Throwable t : chain(failure)) {
            if (t instanceof FileSystemException fse && fse.getFile() != null) {
                found = Path.of(fse.getFile());
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * {@code failure} described in one line: the refusal and the path, e.g. {@code no space left on device:
     * /runs/s/study.mv.db}, where the chain holds a known refusal (the path given, else the one the chain names);
     * otherwise the root I/O failure's message.
     *
     * @param path the file the failed operation concerned, or {@code null} to take the one the chain names
     */
    public static String describe(Throwable failure, Path path) {
        Optional<Refusal> r = refusal(failure);
        Path where = path != null ? path : path(failure).orElse(null);
        if (r.isPresent()) {
            return r.get().words() + (where == null ? "" : ": " + where);
        }
        Throwable root = rootIo(failure);
        String m = root.getMessage();
        if (root instanceof FileSystemException fse && fse.getFile() != null) {
            m = fse.getReason() == null ? fse.getFile() : fse.getReason() + ": " + fse.getFile();
        }
        if (m == null || m.isBlank()) {
            m = root.getClass().getSimpleName();
        }
        m = firstLine(m);
        return where == null || m.contains(where.toString()) ? m : m + ": " + where;
    }

    /**
     * {@code e}, a failure of an operation on {@code path}, as a {@link FileSystemException} that names the path and
     * the reason ({@code path: no space left on device}), caused by {@code e}. An I/O failure deep in a library
     * (a stream, a channel, a template engine) knows no path; this gives it the one the caller knows.
     */
    public static FileSystemException at(Path path, Throwable e) {
        Optional<Refusal> r = refusal(e);
        String reason = r.map(Refusal::words).orElseGet(() -> {
            Throwable root = rootIo(e);
            return root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage());
        });
        FileSystemException out = r.orElse(null) == Refusal.PERMISSION_DENIED
                ? new AccessDeniedException(path.toString(), null, reason)
                : new FileSystemException(path.toString(), null, reason);
        out.initCause(e);
        return out;
    }

    private static Refusal refusalOf(Throwable t) {
        if (t instanceof AccessDeniedException) {
            return Refusal.PERMISSION_DENIED;
        }
        if (t instanceof NoSuchFileException || t instanceof NotDirectoryException) {
            return Refusal.NO_SUCH_FILE;
        }
        String m = t instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : t.getMessage();
        if (m == null) {
            return null;
        }
        String lower = m.toLowerCase(Locale.ROOT);
        for (Refusal r : Refusal.values()) {
            if (lower.contains(r.systemMessage.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        return null;
    }

    /** The deepest {@link IOException} in the chain, or {@code failure} itself when there is none. */
    private static Throwable rootIo(Throwable failure) {
        Throwable found = failure;
        for (Throwable t : chain(failure)) {
            if (t instanceof IOException) {
                found = t;
            }
        }
        return found;
    }

    /** {@code failure} and its causes, outermost first (at most 64: a chain can loop). */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> out = new ArrayList<>();
        for (Throwable t = failure; t != null && out.size() < 64 && !out.contains(t); t = t.getCause()) {
            out.add(t);
        }
        return out;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
