package dev.sublayer.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Writes files so that a reader, or a process that dies mid-write, sees either the previous file or the
 * complete new one, never a part: the content goes to a temporary file beside the target, which is renamed
 * over the target only once it is complete. A write that fails leaves the previous file as it was and no
 * temporary file behind.
 *
 * <p>Three forms, from the simplest:
 * <ul>
 *   <li>{@link #write(Path, Content)} and {@link #writeString(Path, CharSequence)}: the content is written
 *       to a stream;</li>
 *   <li>{@link #begin(Path)}: a {@link Pending} temporary file that the caller fills by any means (a
 *       database, another library), then publishes with {@link Pending#replaceTarget()} or
 *       {@link Pending#createTarget()}; closing it without publishing deletes it;</li>
 *   <li>{@link #replace(Path, Path)}: a file someone else finished under a temporary name is moved over the
 *       target.</li>
 * </ul>
 *
 * <p><b>The rename.</b> An atomic rename ({@link StandardCopyOption#ATOMIC_MOVE}) where the file system
 * offers one; where it does not, a plain replacing move, logged once per call as a warning: readers may
 * then briefly find no file, but never a partial one. The content is not forced to the disk: the guarantee
 * holds against a process being killed, not against a power cut.
 *
 * <p><b>Permissions.</b> A replaced file keeps the POSIX permissions of the file it replaces; a new file
 * gets those of any newly created file (the process umask). An atomic write thus leaves the same
 * permissions as writing the file directly would.
 *
 * <p>Temporary names are {@code .<target name>.<random>.tmp} in the target's directory unless the caller
 * gives a prefix and suffix (e.g. to match an ignore pattern).
 */
public final class AtomicFiles {

    private static final Logger LOG = LogManager.getLogger(AtomicFiles.class);

    /** What an atomic write writes: the content, to a stream that the caller need not close. */
    @FunctionalInterface
    public interface Content {
        /** Writes the content to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** A move of {@code source} over {@code target} with the given options (a seam for tests). */
    @FunctionalInterface
    interface Move {
        void move(Path source, Path target, StandardCopyOption... options) throws IOException;
    }

    private static final Move FILES_MOVE = (source, target, options) -> Files.move(source, target, options);

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically with what {@code content} writes (through a 64 KiB buffer).
     *
     * @return {@code target}
     * @throws IOException as thrown by {@code content} or the file system (a refusal of the file system, such as
     *                     no space left on device, as a {@link java.nio.file.FileSystemException} naming
     *                     {@code target}: see {@link IoFailures}); the previous file, if any, is unchanged and no
     *                     temporary file is left
     */
    public static Path write(Path target, Content content) throws IOException {
        Objects.requireNonNull(content, "content");
        try (Pending pending = begin(target)) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(pending.path()), 1 << 16)) {
                content.writeTo(out);
            } catch (IOException | RuntimeException e) {
                // A full disk reaches the stream without a path (and through a library as its own exception):
                // name the file the caller asked for.
                if (IoFailures.refusal(e).isPresent()) {
                    throw IoFailures.at(pending.target(), e);
                }
                throw e;
            }
            pending.replaceTarget();
        }
        return target;
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically, as {@link #write(Path, Content)}. */
    public static Path writeString(Path target, CharSequence text) throws IOException {
        Objects.requireNonNull(text, "text");
        return write(target, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.append(text);
            w.flush();
        });
    }

    /**
     * Creates an empty temporary file {@code .<target name>.<random>.tmp} beside {@code target}, to be filled
     * and published by the caller. Use it in try-with-resources: closing deletes it unless it was published.
     *
     * @throws IOException if the temporary file cannot be created (e.g. the directory does not exist, is not
     *                     writable); it names {@code target} and the reason
     */
    public static Pending begin(Path target) throws IOException {
        return begin(target, "." + name(target) + ".", ".tmp");
    }

    /** {@link #begin(Path)} with the temporary file named {@code <prefix><random><suffix>}. */
    public static Pending begin(Path target, String prefix, String suffix) throws IOException {
        return begin(target, prefix, suffix, FILES_MOVE);
    }

    static Pending begin(Path target, String prefix, String suffix, Move move) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        if (dir == null) {
            throw new IOException("cannot write " + absolute + ": it has no parent directory");
        }
        while (true) {
            Path tmp = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + suffix);
            try {
                // Default attributes: the file gets the umask's permissions, as a directly written file would.
                Files.createFile(tmp);
                return new Pending(tmp, absolute, move);
            } catch (FileAlreadyExistsException e) {
                // another temporary file drew the same number: draw again
            } catch (IOException e) {
                // The temporary name means nothing to the caller: say what could not be written, and why.
                throw IoFailures.at(absolute, e);
            }
        }
    }

    /**
     * Moves the finished file {@code source} over {@code target} (atomically where the file system can, see
     * the class comment), giving it the permissions of the file it replaces.
     *
     * @throws IOException if the move fails; {@code source} and {@code target} are then as they were
     */
    public static void replace(Path source, Path target) throws IOException {
        replace(source, target, FILES_MOVE);
    }

    static void replace(Path source, Path target, Move move) throws IOException {
        copyPermissions(target, source);
        try {
            move.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            LOG.warn("the file system of {} cannot rename atomically; replacing {} non-atomically",
                    target.toAbsolutePath().getParent(), target.getFileName());
            move.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(from)) {
            return;
        }
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (source != null) {
            Files.setPosixFilePermissions(to, source.readAttributes().permissions());
        }
    }

    private static String name(Path target) {
        Path name = target.getFileName();
        return name == null ? "file" : name.toString();
    }

    /**
     * A temporary file beside its target, not yet published. Fill {@link #path()}, then publish it with
     * {@link #replaceTarget()} or {@link #createTarget()}; {@link #close()} deletes it if it was not published,
     * so a failure anywhere in a try-with-resources block leaves nothing behind.
     */
    public static final class Pending implements AutoCloseable {

        private final Path path;
        private final Path target;
        private final Move move;
        private boolean published;

        private Pending(Path path, Path target, Move move) {
            this.path = path;
            this.target = target;
            this.move = move;
        }

        /** The temporary file (it exists, empty, when this is created). */
        public Path path() {
            return path;
        }

        /** The file it will become (absolute). */
        public Path target() {
            return target;
        }

        /**
         * Renames the temporary file over the target, replacing it if it exists (see the class comment for the
         * rename and the permissions).
         *
         * @throws IOException if the rename fails; the target is then unchanged
         */
        public void replaceTarget() throws IOException {
            checkNotPublished();
            replace(path, target, move);
            published = true;
        }

        /**
         * Renames the temporary file to the target only if no target exists.
         *
         * @throws FileAlreadyExistsException if the target exists (it is not touched)
         * @throws IOException                if the rename fails otherwise
         */
        public void createTarget() throws IOException {
            checkNotPublished();
            move.move(path, target);
            published = true;
        }

        private void checkNotPublished() {
            if (published) {
                throw new IllegalStateException(path + " was already moved to " + target);
            }
        }

        /** Deletes the temporary file unless it was published; closing twice is harmless. */
        @Override
        public void close() throws IOException {
            if (!published) {
                published = true;
                Files.deleteIfExists(path);
            }
        }
    }
}
