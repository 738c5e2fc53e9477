package dev.sublayer.spark.bench;

import dev.sublayer.search.GenerationSummary;
import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.exec.StubWorkerMain;
import dev.sublayer.search.exec.WorkerPoolExecutor;
import dev.sublayer.spark.SparkExecutors;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.trial.WorkerUtilisation;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Spark backend's per-trial overhead against the local pool: the same random-search study of stub trials
 * (worker JVMs that sleep a fixed time per trial) on {@code W} local worker processes and on
 * {@code local-cluster[1,W,MB]}, each generation 4 x W new trials; generation 0 (worker and executor start-up) is
 * not timed. Also the worker utilisation the study stored. Run by {@code bench/spark/run.sh}, which sets
 * {@code SPARK_HOME}.
 */
public final class ClusterBench {

    private ClusterBench() {
    }

    /** Generation end times, in nanoseconds. */
    private static final class Ends implements SearchListener {
        final List<Long> ends = new ArrayList<>();
        final List<Integer> trained = new ArrayList<>();

        @Override
        public void generationDone(GenerationSummary summary, StudyStorage store) {
            ends.add(System.nanoTime());
            trained.add(summary.trained());
        }
    }

    public static void main(String[] args) throws Exception {
        double trialSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int generations = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Integer> slotCounts = args.length > 2
                ? java.util.Arrays.stream(args[2].split(",")).map(Integer::parseInt).toList() : List.of(2, 8);
        sparkHome();
        Path scratch = Files.createTempDirectory("sublayer-cluster");
        double millisPerStep = trialSeconds * 1000 / 100;
        System.out.printf(Locale.ROOT, "stub trials of %.2f s, %d timed generations, %d cores%n", trialSeconds,
                generations, Runtime.getRuntime().availableProcessors());
        System.out.println("| backend | slots | trials timed | wall s | ideal s | overhead | per trial (ms) | utilisation |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int w : slotCounts) {
            for (String backend : List.of("local", "spark")) {
                String workers = backend.equals("local")
                        ? "workers: {count: %d, threads: 1, heap: 96m, trial_timeout_seconds: 600}\n".formatted(w)
                        : """
                        workers:
                          count: %d
                          threads: 1
                          heap: 96m
                          trial_timeout_seconds: 600
                          backend: spark
                          spark:
                            master: local-cluster[1,%d,%d]
                            conf: {spark.ui.enabled: false, spark.driver.host: 127.0.0.1, spark.driver.bindAddress: 127.0.0.1, spark.executor.memory: 512m, spark.executorEnv.%s: %s}
                        """.formatted(w, w, 1024, StubWorkerMain.MILLIS_PER_STEP, millisPerStep);
                String yaml = """
                        name: cluster
                        seed: 3
                        search_space:
                          depth: {min: 2, max: 16}
                          ffn_widths: [64, 96, 128, 160, 192, 224, 256, 320, 384, 448, 512]
                          heads: [1, 2, 4, 8]
                          d_model: [64]
                          context: 16
                        data: {batch_size: 1, validation_batches: 1}
                        fidelity: {rungs: [{max_steps: 100}]}
                        search: {strategy: random, population: %d}
                        budget: {max_generations: %d}
                        reevaluation: {seeds: 0}
                        """.formatted(4 * w, generations + 1) + workers;
                Path dir = scratch.resolve(backend + w);
                Search.ExecutorFactory executors = backend.equals("spark")
                        ? SparkExecutors.of(StubWorkerMain.class.getName())
                        : context -> {
                            WorkerPoolExecutor pool = new WorkerPoolExecutor(w, WorkerPoolExecutor.javaWorker(
                                    StubWorkerMain.class.getName(), List.of(Double.toString(millisPerStep)), "96m", 1,
                                    Optional.empty()));
                            pool.prestart();
                            return pool;
                        };
                Ends ends = new Ends();
                SearchOutcome o = Search.open(StudyConfigReader.read(yaml), yaml, dir, "bench", executors).run(ends);
                if (o.state() != SearchOutcome.State.FINISHED) {
                    throw new IllegalStateException("bench study did not finish: " + o.reason());
                }
                double wall = (ends.ends.getLast() - ends.ends.getFirst()) / 1e9;
                int trials = 0;
                double ideal = 0;
                for (int g = 1; g < ends.trained.size(); g++) {
                    trials += ends.trained.get(g);
                    ideal += Math.ceil((double) ends.trained.get(g) / w) * trialSeconds;
                }
                WorkerUtilisation u;
                try (StudyStore s = StudyStore.openReadOnly(dir)) {
                    List<GenerationRecord> gens = s.generations();
                    u = WorkerUtilisation.sum(gens.subList(1, gens.size()).stream()
                            .flatMap(g -> g.utilisation().stream()).toList());
                }
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.2f%% | %.1f | %.0f%% |%n", backend, w,
                        trials, wall, ideal, 100 * (wall - ideal) / ideal, (wall - ideal) * 1000 * w / trials,
                        100 * u.fraction());
            }
        }
    }

    /** A {@code SPARK_HOME} for local-cluster mode: a RELEASE file and links to the Spark jars of the class path. */
    private static void sparkHome() throws Exception {
        String home = System.getenv("SPARK_HOME");
        if (home == null) {
            throw new IllegalStateException("SPARK_HOME must name a folder for local-cluster mode (bench/spark/run.sh "
                    + "sets it)");
        }
        Path jars = Files.createDirectories(Path.of(home, "jars"));
        Files.writeString(Path.of(home, "RELEASE"), "");
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path link = jars.resolve(Path.of(entry).getFileName());
            if (entry.endsWith(".jar") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of(entry).toAbsolutePath());
            }
        }
    }
}
