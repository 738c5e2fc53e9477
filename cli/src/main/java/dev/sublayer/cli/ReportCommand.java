package dev.sublayer.cli;

import dev.sublayer.io.IoFailures;
import dev.sublayer.reports.ReportFormat;
import dev.sublayer.reports.ReportWriter;
import dev.sublayer.reports.StudyView;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sublayer report}: writes the report of a study, stopped or running (then from the snapshot its search
 * publishes, as of when that was taken). A running search keeps its own report up to date; this command is for
 * another file or format, or a study that is not running.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a study's report: one self-contained HTML file that opens offline, or a short Markdown "
                + "summary.", "A running study is read from the snapshot its search publishes (stderr says how old it "
                + "is); the search itself refreshes <study-dir>/report.html after every generation and every minute "
                + "while trials finish."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory (it holds study.mv.db).")
    Path studyDir;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write the report (default: <study-dir>/report.html, or report.md with --format md); "
                    + "'-' writes to stdout.")
    String out;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "html or md (default: md when --out ends in .md, else html).")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ReportFormat f = format != null ? ReportFormat.fromConfigName(format)
                : out != null && out.toLowerCase(Locale.ROOT).endsWith(".md") ? ReportFormat.MARKDOWN : ReportFormat.HTML;
        StudyView view;
        Optional<String> snapshot;
        try (StudyStore store = StudyReading.open(studyDir)) {
            Instant now = Instant.now();
            view = StudyReports.view(store, StudyReports.context(store), StudyReading.asOf(store, now));
            snapshot = StudyReading.note(store, studyDir, now);
        } catch (StoreException e) {
            throw StoreErrors.badInput(e);
        }
        snapshot.ifPresent(line -> spec.commandLine().getErr().println("sublayer: " + line));
        PrintWriter stdout = spec.commandLine().getOut();
        if ("-".equals(out)) {
            ReportWriter.render(view, f, stdout);
            stdout.flush();
            return 0;
        }
        Path target = out != null ? Path.of(out) : studyDir.resolve("report" + f.extension());
        try {
            ReportWriter.write(view, f, target);
        } catch (IOException | UncheckedIOException e) {
            // Where the report cannot go is the user's environment, like an export's (exit 2), said with the reason.
            throw new IllegalArgumentException(cannotWrite(target, e), e);
        }
        stdout.printf(Locale.ROOT, "%s (%s, %,d bytes, %d trials)%n", target, f.configName(), Files.size(target),
                view.trials().size());
        return 0;
    }

    /** Why the report could not be written to {@code target}, in one line naming it and the reason. */
    static String cannotWrite(Path target, Exception e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.startsWith("cannot write report")) {
            return m; // the report writer's own check: a missing directory, a directory in the way
        }
        return "cannot write report " + target + ": " + IoFailures.refusal(e).map(IoFailures.Refusal::words)
                .orElseGet(() -> IoFailures.describe(e, null));
    }
}
