package dev.sublayer.reports;

import java.util.Optional;

/**
 * Where a {@link Dashboard} gets what it shows. Called from the server's threads, concurrently; an implementation
 * must be thread-safe, and must read the study without writing it or blocking its writer (a running study is read
 * from the snapshot its search publishes).
 */
public interface DashboardSource {

    /**
     * The study as it is stored now (for a running study: as of its latest snapshot); empty while it cannot be read
     * (the first snapshot of a search that has just started is seconds away).
     */
    Optional<StudyView> view();

    /** What only the running search knows; empty for a study served after the fact ({@code sublayer serve}). */
    Optional<LiveStatus> live();
}
