package dev.sublayer.cli;

import dev.sublayer.reports.Dashboard;
import dev.sublayer.search.Search;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sublayer resume <study-dir> [--serve [PORT]]}: continues a study with the config it was last run with. */
@Command(name = "resume", mixinStandardHelpOptions = true,
        description = "Continue a study from where it stopped (Ctrl-C, a crash, a kill), with its stored config.")
final class ResumeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory, e.g. runs/quickstart.")
    Path dir;

    @Option(names = "--workers", paramLabel = "N", description = "Override workers.count for this session.")
    Integer workers;

    @Option(names = "--threads", paramLabel = "N", description = "Override workers.threads for this session.")
    Integer threads;

    @Option(names = "--gpus", paramLabel = "LIST",
            description = "Override workers.gpus for this session: all, none, or device indices like 0,1,3.")
    String gpus;

    @Option(names = "--trials-per-gpu", paramLabel = "N",
            description = "Override workers.trials_per_gpu for this session.")
    Integer trialsPerGpu;

    @Option(names = "--spark-master", paramLabel = "URL", description = "Run the trials on Spark for this session "
            + "(workers.backend: spark) with this master: spark://HOST:7077, k8s://..., local-cluster[N,CORES,MB], "
            + "local[N].")
    String sparkMaster;

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
            Search search = StudyRun.open(() -> Search.resume(dir, w -> StudyRun.workers(w, workers, threads, gpus,
                    trialsPerGpu, sparkMaster), StudyExecutors.DEFAULT), dir.toString());
            return StudyRun.run(search, spec.commandLine().getOut(), spec.commandLine().getErr(), live);
        }
    }
}
