package dev.sublayer.cli;

import dev.sublayer.reports.Dashboard;
import dev.sublayer.search.Search;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.config.StudyCorpus;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sublayer search <config.yaml> [--dir D] [--serve [PORT]]}: runs a study, or continues the one already in the directory.
 * Progress on stderr, the final front as a table on stdout.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Run a study: multi-objective search over sublayer orders, trained for real.",
                "Continues the study when the directory already holds one (same search settings; the budget may grow).",
                "Ctrl-C stops cleanly; run the same command (or 'sublayer resume DIR') to continue."})
final class SearchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The study config (YAML); see studies/reference.yaml.")
    Path config;

    @Option(names = "--dir", paramLabel = "DIR", description = "The study directory (default: runs/<study name>).")
    Path dir;

    @Mixin
    WorkerOptions session;

    @Mixin
    DashboardOptions serve;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String text;
        try {
            text = StudyConfigReader.readText(config);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no config file " + config);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + config + ": " + e.getMessage());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(config + ": " + e.getMessage(), e);
        }
        StudyConfig c;
        try {
            c = StudyConfigReader.read(text);
            // A relative corpus path is read from the config's folder; a corpus no trial could read is refused here.
            c = StudyCorpus.resolve(c, config.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(config + ": " + e.getMessage(), e);
        }
        StudyConfig study = c.withWorkers(session.applyTo(c.workers()));
        Path directory = dir != null ? dir : Path.of("runs", c.name());
        Optional<Dashboard.Binding> binding = serve.binding();
        Optional<LiveDashboard> live = binding.map(b -> new LiveDashboard());
        // The dashboard first: a port in use refuses the command before the study is created.
        try (Dashboard d = binding.map(b -> StudyDashboard.start(b, directory, live, spec.commandLine().getErr()))
                .orElse(null)) {
            Search search = StudyRun.open(() -> Search.open(study, text, directory, StudyRun.commandLine(spec),
                    StudyExecutors.DEFAULT), directory.toString());
            return StudyRun.run(search, spec.commandLine().getOut(), spec.commandLine().getErr(), live);
        }
    }
}
