package dev.sublayer.evaluator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set size of this process, read from {@code /proc/self/statm} (Linux). PyTorch allocates
 * outside the Java heap and reports nothing to the JVM, so the process's RSS is the measure of its memory.
 */
public final class ResidentMemory {

    private static final Path STATM = Path.of("/proc/self/statm");
    /** Linux's page size on x86-64 and the usual aarch64 kernels; statm counts pages. */
    private static final long PAGE = 4096;

    private ResidentMemory() {
    }

    /** Resident bytes now, or -1 where {@code /proc} is not available. */
    public static long bytes() {
        try {
            String[] fields = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(fields[1]) * PAGE;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
