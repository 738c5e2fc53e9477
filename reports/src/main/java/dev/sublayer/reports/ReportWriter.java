package dev.sublayer.reports;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Writes study reports from a {@link StudyView}. A running search's listener in the CLI ({@code ReportRefresh})
 * writes one from the search's own open store after every generation and when the search ends;
 * {@code sublayer report} writes one from a closed store.
 *
 * <p>Files are replaced atomically: the report is written to a temporary file beside the target and renamed
 * over it, so a reader (a browser refreshing the page, a sync job) sees the old report or the new one,
 * never half of one, and a failure leaves the old report in place.
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
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (Writer w = new BufferedWriter(Files.newBufferedWriter(tmp, StandardCharsets.UTF_8), 1 << 16)) {
                render(analysis, format, w);
            }
            readableLikeTarget(tmp, target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                LOG.warn("file system of {} cannot rename atomically; replacing the report non-atomically", dir);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
        LOG.debug("wrote {} report of study {} to {}", format.configName(), view.info().name(), target);
        return out;
    }

    /**
     * Temporary files are created owner-only; a report is meant to be shared (served, synced, attached), so it
     * gets the permissions of the report it replaces, or {@code rw-r--r--} for a new one.
     */
    private static void readableLikeTarget(Path tmp, Path target) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
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
