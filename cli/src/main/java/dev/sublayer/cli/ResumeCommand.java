package dev.sublayer.cli;

import dev.sublayer.reports.Dashboard;
import dev.sublayer.search.Search;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sublayer resume <study-dir> [--serve [PORT]]}: continues a study with the config it was last run with. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continue a study from where it stopped (Ctrl-C, a crash, a kill), with its stored config.")
final class ResumeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory, e.g. runs/quickstart.")
    Path dir;

    @Mixin
    WorkerOptions session;

    @Mixin
    DashboardOptions serve;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Optional<Dashboard.Binding> binding = serve.binding();
        Optional<LiveDashboard> live = binding.map(b -> new LiveDashboard());
        try (Dashboard d = binding.map(b -> StudyDashboard.start(b, dir, live, spec.commandLine().getErr()))
                .orElse(null)) {
            Search search = StudyRun.open(() -> Search.resume(dir, session::applyTo, StudyExecutors.DEFAULT),
                    dir.toString());
            return StudyRun.run(search, spec.commandLine().getOut(), spec.commandLine().getErr(), live);
        }
    }
}
