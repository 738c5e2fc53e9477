package dev.sublayer.evaluator.dl4j;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Runs code with {@code System.out} silenced. SameDiff M2.1 prints one "Added differentiated op" line
 * per op to standard output while it builds a gradient graph; a worker's standard output is its protocol
 * channel and a CLI's carries results, so those lines must not get there.
 */
final class QuietStdout {

    private static final PrintStream NULL = new PrintStream(OutputStream.nullOutputStream());

    private QuietStdout() {
    }

    /** Calls {@code body} with standard output discarded and restores it afterwards. */
    static synchronized <T> T call(Supplier<T> body) {
        PrintStream out = System.out;
        System.setOut(NULL);
        try {
            return body.get();
        } finally {
            System.setOut(out);
        }
    }
}
