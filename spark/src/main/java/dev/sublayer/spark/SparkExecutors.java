package dev.sublayer.spark;

import dev.sublayer.search.Search;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.GpuSelection;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.exec.TrialExecutor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.SparkConf;

/**
 * The executors of studies with {@code workers.backend: spark}: a {@link SparkExecutor} whose Spark context this
 * process starts as the driver, with the study's {@code workers.spark.master} and {@code workers.spark.conf}.
 *
 * <p>What the trials need is set unless the conf sets it: the executors' class path is this process's (so a
 * cluster needs Sublayer installed at the same path on every node, or a shared filesystem), one core per task times
 * {@code workers.threads}, and, with {@code workers.gpus} other than {@code none}, {@code spark.task.resource.gpu.amount
 * = 1 / trials_per_gpu} (the executors' GPUs are declared in the cluster's own configuration: a discovery script,
 * see Spark's resource scheduling).
 */
public final class SparkExecutors implements Search.ExecutorFactory {

    private final String workerMainClass;

    private SparkExecutors(String workerMainClass) {
        this.workerMainClass = Objects.requireNonNull(workerMainClass, "workerMainClass");
    }

    /** Spark executors whose tasks run trials in worker JVMs of {@code workerMainClass}. */
    public static SparkExecutors of(String workerMainClass) {
        return new SparkExecutors(workerMainClass);
    }

    @Override
    public TrialExecutor create(StudyContext context) {
        StudyConfig config = context.config();
        StudyConfig.Workers w = config.workers();
        SparkConf conf = conf(config, context.directory().getFileName().toString());
        int perDevice = w.gpus() instanceof GpuSelection.None ? Math.max(1, w.count()) : w.trialsPerGpu();
        // The time limit here is a placeholder: SparkExecutor gives each task its trial's own limit.
        TrialOnExecutor body = new TrialOnExecutor(workerMainClass, List.of("--engine", config.training().engine(),
                "--threads", Integer.toString(w.threads())), w.heap(), w.threads(), Map.of(), perDevice,
                w.timeoutSeconds(context.budget(0)));
        return new SparkExecutor(conf, body, Math.max(1, w.count()), w.spark().sharedFilesystem());
    }

    /** The Spark configuration of a study's driver. */
    static SparkConf conf(StudyConfig config, String study) {
        StudyConfig.Workers w = config.workers();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spark.master", w.spark().master());
        settings.put("spark.app.name", "sublayer " + study);
        settings.put("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        settings.put("spark.task.cpus", Integer.toString(w.threads()));
        // Whatever Spark retried, a trial is recorded once; a lost executor costs a retry, not a failed trial.
        settings.put("spark.task.maxFailures", "4");
        if (!(w.gpus() instanceof GpuSelection.None)) {
            settings.put("spark.task.resource.gpu.amount", gpuAmount(w.trialsPerGpu()));
        }
        settings.putAll(w.spark().conf());
        SparkConf conf = new SparkConf(false);
        settings.forEach(conf::set);
        return conf;
    }

    /** {@code 1 / trialsPerGpu} as Spark reads it. */
    static String gpuAmount(int trialsPerGpu) {
        return trialsPerGpu == 1 ? "1" : String.format(Locale.ROOT, "%.6f", 1.0 / trialsPerGpu)
                .replaceAll("0+$", "");
    }
}
