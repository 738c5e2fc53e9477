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
import dev.sublayer.storage.TrialRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Regenerates a running study's HTML report from the search's own open store — after every generation when
 * the config asks for it, and always when the search ends — and passes every event on to the progress
 * listener. The search is the store's only writer, so this is the one place a live report can come from.
 * A report that cannot be written is logged and does not stop the search.
 */
final class ReportRefresh implements SearchListener {

    private static final Logger LOG = LogManager.getLogger(ReportRefresh.class);

    private final SearchListener progress;
    private final StudyContext context;
    private final Path file;
    private final boolean everyGeneration;

    /** Refreshes the report of the study of {@code context} as its config's report settings say. */
    ReportRefresh(SearchListener progress, StudyContext context) {
        this.progress = progress;
        this.context = context;
        this.file = context.directory().resolve(context.config().report().file());
        this.everyGeneration = context.config().report().everyGeneration();
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
    public void trialFinished(TrialRecord trial) {
        progress.trialFinished(trial);
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
