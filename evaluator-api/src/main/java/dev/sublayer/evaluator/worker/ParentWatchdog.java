package dev.sublayer.evaluator.worker;

import java.util.Optional;

/**
 * Makes a worker JVM exit when the process that started it dies. A search killed with SIGKILL cannot stop
 * its workers; without this they would finish their current trial (possibly hours) before noticing the
 * closed stdin. Every worker that speaks {@link WorkerProtocol} starts it first.
 */
public final class ParentWatchdog {

    /** The exit code of a worker whose parent died. */
    public static final int EXIT_ORPHANED = 3;

    private ParentWatchdog() {
    }

    /** Halts this JVM as soon as its parent process exits; does nothing when there is no parent to watch. */
    public static void start() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        parent.ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(EXIT_ORPHANED)));
    }
}
