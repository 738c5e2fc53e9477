package dev.sublayer.cli;

import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyMaintenance;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sublayer study}: maintenance of study stores. */
@Command(name = "study", mixinStandardHelpOptions = true, description = "Inspect and maintain study stores.",
        subcommands = {StudyCommand.Compact.class, StudyCommand.Info.class})
final class StudyCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code sublayer study compact}: full compaction of a closed store. */
    @Command(name = "compact", mixinStandardHelpOptions = true,
            description = "Fully compact a closed study store (a verified copy replaces it atomically); prints the "
                    + "size before and after.")
    static final class Compact implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory.")
        Path studyDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            StudyMaintenance.Compaction c;
            try {
                c = StudyMaintenance.compact(studyDir);
            } catch (StoreException e) {
                throw StoreErrors.badInput(e);
            }
            spec.commandLine().getOut().println("compacted " + c.summary());
            return 0;
        }
    }

    /** {@code sublayer study info}: what a store holds. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print a closed study's schema version, trial counts by status, generations and size.")
    static final class Info implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory.")
        Path studyDir;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            StudyMaintenance.StoreInfo info;
            try {
                info = StudyMaintenance.info(studyDir);
            } catch (StoreException e) {
                throw StoreErrors.badInput(e);
            }
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("study", info.study().name());
            v.put("directory", info.studyDir().toString());
            v.put("status", info.study().status());
            v.put("seed", info.study().seed());
            v.put("created", info.study().created().toString());
            v.put("finished", info.study().finished() == null ? null : info.study().finished().toString());
            v.put("schema_version", info.schemaVersion());
            v.put("trials", info.trials());
            for (TrialStatus s : TrialStatus.values()) {
                v.put("trials_" + s.configName(), info.byStatus().get(s));
            }
            v.put("generations", info.generations());
            v.put("last_generation", info.lastGeneration().orElse(null));
            v.put("events", info.events());
            v.put("file_bytes", info.fileBytes());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(StrictJson.prettyText(v));
            } else {
                int width = v.keySet().stream().mapToInt(String::length).max().orElse(0);
                v.forEach((k, x) -> out.printf(Locale.ROOT, "%-" + width + "s  %s%n", k, x == null ? "-" : x));
            }
            return 0;
        }
    }
}
