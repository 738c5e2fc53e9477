package dev.sublayer.cli;

import dev.sublayer.io.IoFailures;
import dev.sublayer.reports.ReportFormat;
import dev.sublayer.reports.ReportWriter;
import dev.sublayer.search.GenerationSummary;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.SearchStatus;
import dev.sublayer.search.StudyContext;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.search.TrialProgress;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.storage.TrialRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Regenerates a running study's HTML report from the search's own open store — after every generation and, while
 * trials finish, when {@link #REFRESH_INTERVAL} has passed since it was last written (when the config asks for
 * either), and always when the search ends — and passes every event on to the progress listener. The search is
 * the store's only writer, so this is the one place a live report can come from. The report is replaced
 * atomically, so it is never seen half-written; one that cannot be written is logged and does not stop the search.
 */
final class ReportRefresh implements SearchListener {

    /** While trials finish, the report is written again when this long has passed since it was last written. */
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(60);

    private static final Logger LOG = LogManager.getLogger(ReportRefresh.class);

    private final SearchListener progress;
    private StudyContext context;
    private final Path file;
    private final boolean everyGeneration;
    private final long intervalNanos;
    private long lastWrite;

    /** Refreshes the report of the study of {@code context} as its config's report settings say. */
    ReportRefresh(SearchListener progress, StudyContext context) {
        this(progress, context, REFRESH_INTERVAL);
    }

    /** As {@link #ReportRefresh(SearchListener, StudyContext)}, refreshing at most every {@code interval}. */
    ReportRefresh(SearchListener progress, StudyContext context, Duration interval) {
        this.progress = progress;
        this.context = context;
        this.file = context.directory().resolve(context.config().report().file());
        this.everyGeneration = context.config().report().everyGeneration();
        this.intervalNanos = interval.toNanos();
        this.lastWrite = System.nanoTime();
    }

    @Override
    public void searchStarted(SearchStatus status) {
        progress.searchStarted(status);
    }

    @Override
    public void generationStarted(int generation, int candidates) {
        progress.generationStarted(generation, candidates);
    }

    @Override
    public void trialStarted(TrialRecord trial) {
        progress.trialStarted(trial);
    }

    @Override
    public void trialFinished(TrialProgress trial, StudyStorage store) {
        progress.trialFinished(trial, store);
        if (everyGeneration && System.nanoTime() - lastWrite >= intervalNanos) {
            write(store);
        }
    }

    @Override
    public void budgetChanged(StudyConfig.StudyBudget budget, String change) {
        progress.budgetChanged(budget, change);
        // The report's plan shows the budget: from now on the new one.
        context = new StudyContext(context.config().withBudget(budget), context.directory());
    }

    @Override
    public void generationDone(GenerationSummary summary, StudyStorage store) {
        progress.generationDone(summary, store);
        if (everyGeneration) {
            write(store);
        }
    }

    @Override
    public void searchFinished(SearchOutcome outcome, StudyStorage store) {
        progress.searchFinished(outcome, store);
        write(store);
    }

    private void write(StudyStorage store) {
        lastWrite = System.nanoTime();
        try {
            ReportWriter.write(StudyReports.view(store, context, Instant.now()), ReportFormat.HTML, file);
            LOG.debug("report written to {}", file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write the report {}: {}", file, IoFailures.refusal(e).isPresent()
                    ? IoFailures.describe(e, file) : e.getMessage());
        }
    }

    /** Where the report is written. */
    Path file() {
        return file;
    }
}
