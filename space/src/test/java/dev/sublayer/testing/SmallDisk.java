package dev.sublayer.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small disk that tests can fill for real: a tmpfs of a given size mounted over a directory
 * ({@code mount -t tmpfs -o size=…}), so writes fail with the operating system's own "No space left on device".
 * Mounting needs root; where it is not possible the calling test skips, named with the reason
 * ({@link TestEnvironment#skipUnless}).
 */
public final class SmallDisk implements AutoCloseable {

    private final Path dir;
    private final Path filler;

    private SmallDisk(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /**
     * Mounts a tmpfs of {@code kib} KiB over {@code dir} (created if missing), or skips the calling test when this
     * machine cannot (not root, no mount command, a container without the capability).
     */
    public static SmallDisk mount(Path dir, int kib) throws IOException {
        Files.createDirectories(dir);
        String output = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + kib + "k", "tmpfs", dir.toString()));
        TestEnvironment.skipUnless(output == null, "cannot mount a small tmpfs to fill a disk for real (mount -t "
                + "tmpfs needs root): " + output);
        return new SmallDisk(dir);
    }

    /** The mounted directory. */
    public Path dir() {
        return dir;
    }

    /** Fills the disk until at most {@code bytes} are left free (a file {@code filler} in it). */
    public void fillLeaving(long bytes) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            while (Files.getFileStore(dir).getUsableSpace() > bytes) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!e.getMessage().contains("No space left on device")) {
                throw e;
            }
        }
    }

    /** Frees the space {@link #fillLeaving} took. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Unmounts the disk (lazily if something still holds a file on it); what was on it is gone. */
    @Override
    public void close() {
        String failed = run(List.of("umount", dir.toString()));
        if (failed != null) {
            run(List.of("umount", "-l", dir.toString()));
        }
    }

    /** Runs {@code command}; {@code null} when it succeeded, else what it said. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return String.join(" ", command) + " did not finish";
            }
            return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + out;
        } catch (IOException e) {
            return String.join(" ", command) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
