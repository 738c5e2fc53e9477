package dev.sublayer.reports;

import dev.sublayer.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Writes study reports from a {@link StudyView}. A running search's listener in the CLI ({@code ReportRefresh})
 * writes one from the search's own open store after every generation and when the search ends;
 * {@code sublayer report} writes one from a closed store.
 *
 * <p>Files are replaced atomically ({@link AtomicFiles}): the report is written to a temporary file beside the
 * target and renamed over it, so a reader (a browser refreshing the page, a sync job) sees the old report or the
 * new one, never half of one, and a failure leaves the old report in place. A replaced report keeps its
 * permissions; a new one gets those of any new file (the umask), as if written directly.
 */
public final class ReportWriter {

    private static final Logger LOG = LogManager.getLogger(ReportWriter.class);

    private ReportWriter() {
    }

    /**
     * Writes the report of {@code view} to {@code out}, replacing it atomically.
     *
     * @return {@code out}
     * @throws IOException if the file cannot be written (the previous report, if any, is left as it was)
     */
    public static Path write(StudyView view, ReportFormat format, Path out) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("cannot write report " + out + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write report " + out + ": it is a directory");
        }
        StudyAnalysis analysis = new StudyAnalysis(view);
        try {
            AtomicFiles.write(target, os -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
                render(analysis, format, w);
                w.flush();
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        LOG.debug("wrote {} report of study {} to {}", format.configName(), view.info().name(), target);
        return out;
    }

    /** Writes the report of {@code view} to {@code out} (not closed). */
    public static void render(StudyView view, ReportFormat format, Writer out) {
        render(new StudyAnalysis(view), format, out);
    }

    /** The report of {@code view} as text. */
    public static String render(StudyView view, ReportFormat format) {
        java.io.StringWriter w = new java.io.StringWriter(1 << 20);
        render(view, format, w);
        return w.toString();
    }

    private static void render(StudyAnalysis analysis, ReportFormat format, Writer out) {
        switch (format) {
            case HTML -> HtmlReport.write(analysis, out);
            case MARKDOWN -> MarkdownReport.write(analysis, out);
        }
    }
}
