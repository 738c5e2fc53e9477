package dev.sublayer.search;

/**
 * A request to stop the search (Ctrl-C, the wall-clock budget). Set from any thread; the search polls it
 * between events and stops cleanly, leaving a resumable study.
 */
public final class StopSignal {

    private volatile String reason;

    /** Asks the search to stop; the first reason given wins. */
    public synchronized void request(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    /** Whether a stop was requested. */
    public boolean requested() {
        return reason != null;
    }

    /** Why the search stops, or {@code null}. */
    public String reason() {
        return reason;
    }
}
