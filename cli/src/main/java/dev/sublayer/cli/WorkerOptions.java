package dev.sublayer.cli;

import dev.sublayer.search.config.StudyConfig;
import picocli.CommandLine.Option;

/**
 * The worker overrides of {@code search} and {@code resume}: {@code --workers}, {@code --threads}, {@code --gpus},
 * {@code --trials-per-gpu} and {@code --spark-master} change the study's {@code workers} settings for one session
 * (the rules are {@link StudyRun#workers(StudyConfig.Workers, Integer, Integer, String, Integer, String)}'s).
 */
final class WorkerOptions {

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

    /** {@code w} with the overrides given on the command line applied. */
    StudyConfig.Workers applyTo(StudyConfig.Workers w) {
        return StudyRun.workers(w, workers, threads, gpus, trialsPerGpu, sparkMaster);
    }
}
