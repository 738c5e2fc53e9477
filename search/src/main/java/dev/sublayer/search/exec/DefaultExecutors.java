package dev.sublayer.search.exec;

import dev.sublayer.evaluator.EngineFactory;
import dev.sublayer.search.Search;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.StudyConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The executors a study's {@code workers} section asks for: worker processes (logs under {@code <study>/logs}),
 * or threads of this process for {@code mode: in_process}. The search does not carry the engines and their
 * native libraries; the application that does (the {@code sublayer} command) gives it the engine factory and the
 * worker JVM's main class.
 */
public final class DefaultExecutors implements Search.ExecutorFactory {

    private final EngineFactory engines;
    private final String workerMainClass;

    private DefaultExecutors(EngineFactory engines, String workerMainClass) {
        this.engines = Objects.requireNonNull(engines, "engines");
        this.workerMainClass = Objects.requireNonNull(workerMainClass, "workerMainClass");
        if (workerMainClass.isBlank()) {
            throw new IllegalArgumentException("workerMainClass must name a class, got ''");
        }
    }

    /**
     * Executors with these engines and this worker.
     *
     * @param engines         creates the engine of each in-process worker thread
     * @param workerMainClass the main class of a worker JVM, on this JVM's class path: it speaks
     *                        {@link dev.sublayer.evaluator.worker.WorkerProtocol} and takes
     *                        {@code --engine NAME --threads N} (the evaluator's {@code WorkerMain})
     */
    public static DefaultExecutors of(EngineFactory engines, String workerMainClass) {
        return new DefaultExecutors(engines, workerMainClass);
    }

    /** The executor for the study of {@code context}, as its {@code workers} section asks. */
    @Override
    public TrialExecutor create(StudyContext context) {
        StudyConfig.Workers w = context.config().workers();
        String engine = context.config().training().engine();
        if (w.mode() == StudyConfig.WorkerMode.IN_PROCESS) {
            return new InProcessExecutor(w.count(), () -> engines.create(engine, w.threads()));
        }
        WorkerSpec spec = WorkerPoolExecutor.javaWorker(workerMainClass,
                List.of("--engine", engine, "--threads", Integer.toString(w.threads())), w.heap(), w.threads(),
                w.count(), Optional.of(context.directory().resolve("logs")));
        if (w.count() * w.threads() > Runtime.getRuntime().availableProcessors()
                && System.getenv("OMP_WAIT_POLICY") == null) {
            // More busy threads than cores: spinning OpenMP threads would steal the cores others need.
            spec = spec.withEnvironment("OMP_WAIT_POLICY", "PASSIVE");
        }
        return new WorkerPoolExecutor(w.count(), spec);
    }
}
