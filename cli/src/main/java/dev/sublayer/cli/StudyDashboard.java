package dev.sublayer.cli;

import dev.sublayer.reports.Dashboard;
import dev.sublayer.reports.DashboardSource;
import dev.sublayer.reports.LiveStatus;
import dev.sublayer.reports.StudyView;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What a study's {@link Dashboard} shows, read as {@code sublayer report} reads it ({@link StudyReading}: a running
 * study from the snapshot its search publishes, a stopped one from its store, read-only, opened only while read),
 * at most once per {@link #READ_INTERVAL}, plus the live state of the search when the dashboard is served by the
 * search itself ({@link LiveDashboard}).
 */
final class StudyDashboard implements DashboardSource {

    /** The study is read again when a page asks and this long has passed since it was last read. */
    static final Duration READ_INTERVAL = Duration.ofSeconds(2);

    private static final Logger LOG = LogManager.getLogger(StudyDashboard.class);

    private final Path dir;
    private final Optional<LiveDashboard> live;
    private StudyView view;
    private long readAt;

    StudyDashboard(Path dir, Optional<LiveDashboard> live) {
        this.dir = dir;
        this.live = live;
    }

    @Override
    public synchronized Optional<StudyView> view() {
        if (view == null || System.nanoTime() - readAt >= READ_INTERVAL.toNanos()) {
            readAt = System.nanoTime();
            try (StudyStore store = StudyStore.openForReading(dir)) {
                Instant now = Instant.now();
                view = StudyReports.view(store, StudyReports.context(store), StudyReading.asOf(store, now));
            } catch (StoreException | IllegalArgumentException e) {
                // Not readable yet (a search's first snapshot is seconds away) or for a moment: show the last view.
                LOG.debug("dashboard: cannot read {} now: {}", dir, e.getMessage());
            }
        }
        return Optional.ofNullable(view);
    }

    @Override
    public Optional<LiveStatus> live() {
        return live.map(LiveDashboard::status);
    }

    /**
     * Starts the dashboard of the study in {@code dir} as {@code binding} says and tells {@code err} where it is.
     *
     * @throws IllegalArgumentException (exit 2) when the port is in use or the address not this machine's
     */
    static Dashboard start(Dashboard.Binding binding, Path dir, Optional<LiveDashboard> live, PrintWriter err) {
        Dashboard d = Dashboard.start(binding, new StudyDashboard(dir, live));
        err.println("sublayer: dashboard of " + dir + " at " + d.url()
                + (binding.token().isPresent() ? "  (the token in this address is required: keep it private)" : ""));
        err.flush();
        return d;
    }
}
