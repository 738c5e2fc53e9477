package dev.sublayer.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IoFailuresTest {

    /** What MVStore throws when the disk is full: its own words, the channel, the OS message two levels down. */
    private static RuntimeException mvStoreWriteFailure() {
        IOException os = new IOException("No space left on device");
        RuntimeException mv = new IllegalStateException("Writing to sun.nio.ch.FileChannelImpl@53142455 failed; "
                + "length 8192 at 53248 [2.4.240/2]", os);
        return new RuntimeException("commit failed", mv);
    }

    @Test
    void aFullDiskIsFoundUnderTheWrappingAndNamedWithThePath() {
        RuntimeException e = mvStoreWriteFailure();
        assertThat(IoFailures.refusal(e)).contains(IoFailures.Refusal.NO_SPACE);
        assertThat(IoFailures.outOfSpace(e)).isTrue();
        assertThat(IoFailures.describe(e, Path.of("/runs/s/study.mv.db")))
                .isEqualTo("no space left on device: /runs/s/study.mv.db");
        assertThat(IoFailures.describe(e, null)).isEqualTo("no space left on device");
        assertThat(IoFailures.outOfSpace(new IOException("Disk quota exceeded"))).isTrue();
    }

    @Test
    void atGivesAPathlessFailureThePathTheCallerKnows() {
        FileSystemException named = IoFailures.at(Path.of("/runs/s/checkpoints/k.ckpt.partial"),
                new IOException("No space left on device"));
        assertThat(named).hasMessage("/runs/s/checkpoints/k.ckpt.partial: no space left on device");
        assertThat(IoFailures.path(new RuntimeException(named))).contains(Path.of("/runs/s/checkpoints/k.ckpt.partial"));
        assertThat(IoFailures.describe(new UncheckedIOException(named), null))
                .isEqualTo("no space left on device: /runs/s/checkpoints/k.ckpt.partial");
        assertThat(IoFailures.at(Path.of("/ro/report.html"), new AccessDeniedException("/ro/.report.html.1.tmp")))
                .isInstanceOf(AccessDeniedException.class).hasMessage("/ro/report.html: permission denied");
    }

    @Test
    void permissionsReadOnlyFileSystemsAndMissingDirectoriesAreRefusalsToo() {
        assertThat(IoFailures.refusal(new AccessDeniedException("/x"))).contains(IoFailures.Refusal.PERMISSION_DENIED);
        assertThat(IoFailures.refusal(new FileSystemException("/x", null, "Operation not permitted")))
                .contains(IoFailures.Refusal.NOT_PERMITTED);
        assertThat(IoFailures.refusal(new FileSystemException("/x", null, "Read-only file system")))
                .contains(IoFailures.Refusal.READ_ONLY);
        assertThat(IoFailures.describe(new NoSuchFileException("/no/such/f"), null))
                .isEqualTo("no such file or directory: /no/such/f");
        assertThat(IoFailures.outOfSpace(new AccessDeniedException("/x"))).isFalse();
    }

    @Test
    void otherFailuresAreDescribedByTheirRootIoMessage() {
        RuntimeException e = new RuntimeException("wrapper", new IOException("Stale file handle"));
        assertThat(IoFailures.refusal(e)).isEmpty();
        assertThat(IoFailures.describe(e, Path.of("/nfs/f"))).isEqualTo("Stale file handle: /nfs/f");
        assertThat(IoFailures.describe(new IllegalStateException("no io here"), null)).isEqualTo("no io here");
    }
}
