package dev.sublayer.search.exec;

/**
 * Runs training tasks on a fixed number of slots: the narrow seam between the search and wherever training
 * happens (threads of this process for tests, child JVMs for real studies, a cluster later).
 *
 * <p>An executor never throws for a bad trial: every submitted task ends with exactly one
 * {@link TrialCallback#finished} or {@link TrialCallback#cancelled} call, whatever happened to the worker.
 */
public interface TrialExecutor extends AutoCloseable {

    /** How many tasks run at once. */
    int slots();

    /** A one-line description for logs, e.g. {@code 2 worker processes x 1 thread}. */
    String describe();

    /** Queues {@code task}; {@code callback} hears how it goes. */
    void submit(TrialTask task, TrialCallback callback);

    /**
     * Drops every queued and running task (each gets {@link TrialCallback#cancelled()}) and returns when all
     * have been called back. The executor stays usable.
     */
    void cancelAll();

    /** Stops the workers; queued tasks are cancelled. */
    @Override
    void close();
}
