package dev.sublayer.cli;

import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyExport;
import dev.sublayer.storage.StudyStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sublayer export}: a study as JSONL (everything, re-importable) or CSV (one row per trial); a running study
 * from the snapshot its search publishes.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a study: jsonl (every trial, generation and event; 'sublayer import' rebuilds "
                + "the study from it) or csv (one row per trial, stable column order).",
                "A running study is exported from the snapshot its search publishes (stderr says how old it is)."})
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory.")
    Path studyDir;

    @Option(names = "--format", required = true, paramLabel = "jsonl|csv", description = "Output format.")
    String format;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write to FILE (atomically: complete or not at all) instead of stdout.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        StudyExport.Format f = StudyExport.Format.parse(format);
        try (StudyStore store = StudyReading.open(studyDir)) {
            StudyReading.note(store, studyDir, Instant.now())
                    .ifPresent(line -> spec.commandLine().getErr().println("sublayer: " + line));
            if (out != null) {
                StudyExport.toFile(store, f, out);
            } else {
                StudyExport.write(store, f, spec.commandLine().getOut());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StoreException e) {
            throw StoreErrors.badInput(e);
        }
        return 0;
    }
}
