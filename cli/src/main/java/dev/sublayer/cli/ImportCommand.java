package dev.sublayer.cli;

import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyImport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sublayer import}: rebuild a study from a JSONL export in a new directory. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Rebuild a study from a JSONL export ('sublayer export --format jsonl') in a new directory.")
final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The JSONL export.")
    Path file;

    @Parameters(index = "1", paramLabel = "NEW_STUDY_DIR", description = "Where to create the study; must not hold one.")
    Path newStudyDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        StudyImport.Result r;
        try {
            r = StudyImport.jsonl(file, newStudyDir);
        } catch (StoreException e) {
            throw StoreErrors.badInput(e);
        }
        spec.commandLine().getOut().printf("imported %d trials, %d generations, %d events into %s%n", r.trials(),
                r.generations(), r.events(), r.studyDir());
        return 0;
    }
}
