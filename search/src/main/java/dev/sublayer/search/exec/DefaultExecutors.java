package dev.sublayer.search.exec;

import dev.sublayer.evaluator.EngineFactory;
import dev.sublayer.search.Search;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.StudyConfig;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The executors a study's {@code workers} section asks for: worker processes (logs under {@code <study>/logs}),
 * or threads of this process for {@code mode: in_process}. The search does not carry the engines and their
 * native libraries; the application that does (the {@code sublayer} command) gives it the engine factory and the
 * worker JVM's main class.
 */
public final class DefaultExecutors implements Search.ExecutorFactory {

    private final EngineFactory engines;
    private final String workerMainClass;
    private final Supplier<NvidiaSmi> gpus;

    private DefaultExecutors(EngineFactory engines, String workerMainClass, Supplier<NvidiaSmi> gpus) {
        this.engines = Objects.requireNonNull(engines, "engines");
        this.workerMainClass = Objects.requireNonNull(workerMainClass, "workerMainClass");
        this.gpus = Objects.requireNonNull(gpus, "gpus");
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
        return new DefaultExecutors(engines, workerMainClass, NvidiaSmi::onPath);
    }

    /** These executors asking {@code gpus} for the machine's GPUs instead of the {@code nvidia-smi} on the PATH. */
    public DefaultExecutors withGpus(NvidiaSmi gpus) {
        Objects.requireNonNull(gpus, "gpus");
        return new DefaultExecutors(engines, workerMainClass, () -> gpus);
    }

    /**
     * The device of each worker slot the study of {@code config} gets on this machine (empty entries: CPU slots).
     *
     * @throws dev.sublayer.search.config.ConfigException when the GPUs asked for are not there or the engine cannot
     *                                                    use them
     */
    public List<Optional<Gpu>> slots(StudyConfig config) {
        return GpuSlots.assign(config.workers(), config.training().engine(), gpus.get());
    }

    /** Checks, before a study opens, that this machine has the GPUs its workers ask for. */
    @Override
    public void check(StudyConfig config) {
        if (config.workers().mode() == StudyConfig.WorkerMode.PROCESS) {
            slots(config);
        }
    }

    /** The executor for the study of {@code context}, as its {@code workers} section asks. */
    @Override
    public TrialExecutor create(StudyContext context) {
        StudyConfig.Workers w = context.config().workers();
        String engine = context.config().training().engine();
        if (w.mode() == StudyConfig.WorkerMode.IN_PROCESS) {
            return new InProcessExecutor(w.count(), () -> engines.create(engine, w.threads()));
        }
        List<Optional<Gpu>> devices = slots(context.config());
        WorkerSpec spec = WorkerPoolExecutor.javaWorker(workerMainClass,
                List.of("--engine", engine, "--threads", Integer.toString(w.threads())), w.heap(), w.threads(),
                devices.size(), Optional.of(context.directory().resolve("logs")));
        if (devices.size() * w.threads() > Runtime.getRuntime().availableProcessors()
                && System.getenv("OMP_WAIT_POLICY") == null) {
            // More busy threads than cores: spinning OpenMP threads would steal the cores others need.
            spec = spec.withEnvironment("OMP_WAIT_POLICY", "PASSIVE");
        }
        return new WorkerPoolExecutor(devices, spec);
    }
}
