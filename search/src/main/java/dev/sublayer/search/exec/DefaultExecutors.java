package dev.sublayer.search.exec;

import dev.sublayer.evaluator.Engines;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.StudyConfig;
import java.util.List;
import java.util.Optional;

/** The executor a study's {@code workers} section asks for. */
public final class DefaultExecutors {

    /** The worker JVM's entry point: the evaluator's {@code WorkerMain} behind a parent watchdog. */
    public static final String WORKER_MAIN = WorkerLauncher.class.getName();

    private DefaultExecutors() {
    }

    /**
     * Worker processes running {@link WorkerLauncher} (logs under {@code <study>/logs}), or threads of this process
     * for {@code mode: in_process}.
     */
    public static TrialExecutor create(StudyContext context) {
        StudyConfig.Workers w = context.config().workers();
        String engine = context.config().training().engine();
        if (w.mode() == StudyConfig.WorkerMode.IN_PROCESS) {
            return new InProcessExecutor(w.count(), () -> Engines.create(engine, w.threads()));
        }
        WorkerSpec spec = WorkerPoolExecutor.javaWorker(WORKER_MAIN,
                List.of("--engine", engine, "--threads", Integer.toString(w.threads())), w.heap(), w.threads(),
                Optional.of(context.directory().resolve("logs")));
        if (w.count() * w.threads() > Runtime.getRuntime().availableProcessors()
                && System.getenv("OMP_WAIT_POLICY") == null) {
            // More busy threads than cores: spinning OpenMP threads would steal the cores others need.
            spec = spec.withEnvironment("OMP_WAIT_POLICY", "PASSIVE");
        }
        return new WorkerPoolExecutor(w.count(), spec);
    }
}
