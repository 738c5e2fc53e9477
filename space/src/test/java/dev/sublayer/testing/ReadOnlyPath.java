package dev.sublayer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a file or directory read-only for this process until closed: POSIX permissions for a normal user; root
 * ignores those, so there the immutable attribute is set (the test skips, named on stderr, where that is not
 * allowed: a container without the capability, a file system without the attribute).
 *
 * @param path      the path made read-only
 * @param immutable whether the immutable attribute (rather than permissions) makes it so
 */
public record ReadOnlyPath(Path path, boolean immutable) implements AutoCloseable {

    /** Makes {@code p} read-only; close the result to make it writable again. */
    public static ReadOnlyPath of(Path p) throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            TestEnvironment.skipUnless(chattr("+i", p), "running as root, and cannot set the immutable attribute "
                    + "(chattr +i) here to make a path read-only");
            return new ReadOnlyPath(p, true);
        }
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "r-xr-xr-x"
                : "r--r--r--"));
        return new ReadOnlyPath(p, false);
    }

    /** The words of the refusal a write in it meets: "operation not permitted" as root, else "permission denied". */
    public String refusal() {
        return immutable ? "operation not permitted" : "permission denied";
    }

    @Override
    public void close() throws IOException {
        if (immutable) {
            chattr("-i", path);
        } else {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path)
                    ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }

    private static boolean chattr(String flag, Path p) {
        try {
            Process proc = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
            proc.getInputStream().readAllBytes();
            return proc.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
