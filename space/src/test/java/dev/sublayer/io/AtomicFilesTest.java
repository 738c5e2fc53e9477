package dev.sublayer.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import dev.sublayer.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path tmp;

    @Test
    void writesANewFileAndReplacesAnOldOneLeavingNoTemporaryFile() throws IOException {
        Path f = tmp.resolve("out.txt");
        assertThat(AtomicFiles.writeString(f, "first ∑\n")).isEqualTo(f);
        assertThat(Files.readString(f)).isEqualTo("first ∑\n");
        AtomicFiles.write(f, out -> out.write("second".getBytes(StandardCharsets.UTF_8)));
        assertThat(Files.readString(f)).isEqualTo("second");
        assertThat(names()).containsExactly("out.txt");
    }

    @Test
    void aWriteThatFailsLeavesTheOldFileIntactAndNoTemporaryFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("keep.txt"), "old content");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]); // more than the buffer: part of it reached the temporary file
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            throw new IllegalStateException("renderer broke");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readString(f)).isEqualTo("old content");
        assertThat(names()).containsExactly("keep.txt");
    }

    @Test
    void aRenameThatFailsLeavesTheTargetIntactAndNoTemporaryFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("report.html"));
        Files.writeString(dir.resolve("inside"), "x");
        assertThatThrownBy(() -> AtomicFiles.writeString(dir, "new")).isInstanceOf(IOException.class);
        assertThat(Files.readString(dir.resolve("inside"))).isEqualTo("x");
        assertThat(names()).containsExactly("report.html");
    }

    @Test
    void withoutAnAtomicRenameItFallsBackToAPlainReplacingMove() throws IOException {
        Path f = Files.writeString(tmp.resolve("front.json"), "old");
        List<List<StandardCopyOption>> calls = new ArrayList<>();
        AtomicFiles.Move noAtomic = (source, target, options) -> {
            calls.add(List.of(options));
            if (Arrays.asList(options).contains(StandardCopyOption.ATOMIC_MOVE)) {
                throw new AtomicMoveNotSupportedException(source.toString(), target.toString(), "not here");
            }
            Files.move(source, target, options);
        };
        try (AtomicFiles.Pending p = AtomicFiles.begin(f, ".front.", ".tmp", noAtomic)) {
            Files.writeString(p.path(), "new");
            p.replaceTarget();
        }
        assertThat(Files.readString(f)).isEqualTo("new");
        assertThat(calls).containsExactly(
                List.of(StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE),
                List.of(StandardCopyOption.REPLACE_EXISTING));
        assertThat(names()).containsExactly("front.json");
    }

    @Test
    void whenTheFallbackFailsTooTheTemporaryFileIsRemoved() throws IOException {
        Path f = Files.writeString(tmp.resolve("a.csv"), "old");
        AtomicFiles.Move broken = (source, target, options) -> {
            if (Arrays.asList(options).contains(StandardCopyOption.ATOMIC_MOVE)) {
                throw new AtomicMoveNotSupportedException(source.toString(), target.toString(), "not here");
            }
            throw new IOException("device went away");
        };
        assertThatThrownBy(() -> {
            try (AtomicFiles.Pending p = AtomicFiles.begin(f, ".a.", ".tmp", broken)) {
                Files.writeString(p.path(), "new");
                p.replaceTarget();
            }
        }).hasMessage("device went away");
        assertThat(Files.readString(f)).isEqualTo("old");
        assertThat(names()).containsExactly("a.csv");
    }

    @Test
    void aPendingFileIsDeletedUnlessPublishedAndNamedAsAsked() throws IOException {
        Path f = tmp.resolve("study.mv.db");
        Path seen;
        try (AtomicFiles.Pending p = AtomicFiles.begin(f, "study.", ".mv.db.tmp")) {
            seen = p.path();
            assertThat(seen).exists().isEmptyFile().hasParent(tmp);
            assertThat(seen.getFileName().toString()).startsWith("study.").endsWith(".mv.db.tmp");
            assertThat(p.target()).isEqualTo(f);
            Files.writeString(seen, "half");
        }
        assertThat(seen).doesNotExist();
        assertThat(f).doesNotExist();
        try (AtomicFiles.Pending p = AtomicFiles.begin(f)) {
            assertThat(p.path().getFileName().toString()).startsWith(".study.mv.db.").endsWith(".tmp");
        }
        assertThat(names()).isEmpty();
    }

    @Test
    void createTargetRefusesAnExistingTargetAndLeavesItAlone() throws IOException {
        Path f = tmp.resolve("new.db");
        try (AtomicFiles.Pending p = AtomicFiles.begin(f)) {
            Files.writeString(p.path(), "mine");
            p.createTarget();
            assertThatThrownBy(p::createTarget).isInstanceOf(IllegalStateException.class);
        }
        assertThat(Files.readString(f)).isEqualTo("mine");
        assertThatThrownBy(() -> {
            try (AtomicFiles.Pending p = AtomicFiles.begin(f)) {
                Files.writeString(p.path(), "theirs");
                p.createTarget();
            }
        }).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(f)).isEqualTo("mine");
        assertThat(names()).containsExactly("new.db");
    }

    @Test
    void aReplacedFileKeepsItsPermissionsAndANewOneGetsThoseOfAnyNewFile() throws IOException {
        Path plain = Files.createFile(tmp.resolve("plain"));
        Path fresh = AtomicFiles.writeString(tmp.resolve("fresh"), "x");
        assertThat(Files.getPosixFilePermissions(fresh)).isEqualTo(Files.getPosixFilePermissions(plain));
        Path shared = Files.writeString(tmp.resolve("shared"), "old");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-rw-r--"));
        AtomicFiles.writeString(shared, "new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-rw-r--");
    }

    @Test
    void replaceMovesAFinishedFileOverTheTarget() throws IOException {
        Path target = Files.writeString(tmp.resolve("ckpt"), "old");
        Path partial = Files.writeString(tmp.resolve("ckpt.partial"), "new");
        AtomicFiles.replace(partial, target);
        assertThat(Files.readString(target)).isEqualTo("new");
        assertThat(names()).containsExactly("ckpt");
        assertThatThrownBy(() -> AtomicFiles.replace(tmp.resolve("missing"), target)).isInstanceOf(IOException.class);
        assertThat(Files.readString(target)).isEqualTo("new");
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        assertThatThrownBy(() -> AtomicFiles.writeString(tmp.resolve("no/such/dir/f"), "x"))
                .isInstanceOf(IOException.class).hasMessageContaining("no/such/dir");
    }

    @Test
    void aFullDiskIsNamedWithTheTargetNotTheTemporaryFile() throws IOException {
        Path f = Files.writeString(tmp.resolve("report.html"), "old");
        // What a full disk throws from a stream: the operating system's words and no path.
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        })).isInstanceOf(java.nio.file.FileSystemException.class)
                .hasMessage(f.toAbsolutePath() + ": no space left on device");
        // ... and wrapped by a library in its own unchecked exception (a template engine rendering into the stream).
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            throw new IllegalStateException("Failed to render report.jte, error at report.jte:265",
                    new IOException("No space left on device"));
        })).isInstanceOf(java.nio.file.FileSystemException.class)
                .hasMessage(f.toAbsolutePath() + ": no space left on device");
        assertThat(Files.readString(f)).isEqualTo("old");
        assertThat(names()).containsExactly("report.html");
    }

    @Test
    void aDirectoryThatRefusesTheTemporaryFileIsNamedWithTheTargetAndTheReason() throws IOException {
        // Root ignores permissions (the CLI's report test makes a directory read-only for root with chattr).
        TestEnvironment.skipUnless(!"root".equals(System.getProperty("user.name")),
                "running as root, whom directory permissions do not refuse");
        Path dir = Files.createDirectories(tmp.resolve("locked"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThatThrownBy(() -> AtomicFiles.writeString(dir.resolve("report.html"), "x"))
                    .isInstanceOf(java.nio.file.AccessDeniedException.class)
                    .hasMessage(dir.resolve("report.html").toAbsolutePath() + ": permission denied");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
