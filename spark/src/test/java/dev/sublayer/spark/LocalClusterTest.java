package dev.sublayer.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.exec.StubWorkerMain;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.testing.SlowTest;
import dev.sublayer.testing.TestEnvironment;
import dev.sublayer.trial.TrialStatus;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Studies on a Spark cluster in one JVM ({@code local-cluster[1,2,1024]}: a master, a worker and executor JVMs),
 * with fake GPUs declared by a discovery script: Spark's resource scheduling gives each task its device, and the
 * executor passes it to its worker process ({@code CUDA_VISIBLE_DEVICES}), which reports it. An executor killed
 * mid-trial costs a retry, not a trial.
 */
@SlowTest
class LocalClusterTest {

    @TempDir
    Path tmp;

    /** One trial as the stub worker reported it. */
    record Ran(String device, long start, long end) {
    }

    /** Fills {@code $SPARK_HOME} (set by the build) with a RELEASE file and the Spark jars of the test class path. */
    @BeforeAll
    static void sparkHome() throws IOException {
        String home = System.getenv("SPARK_HOME");
        TestEnvironment.require(home != null, "SPARK_HOME is not set (the spark module's Maven build sets it to "
                + "target/spark-home: run the test through Maven)");
        Path jars = Files.createDirectories(Path.of(home, "jars"));
        Files.writeString(Path.of(home, "RELEASE"), "");
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            Path link = jars.resolve(jar.getFileName());
            if (entry.endsWith(".jar") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, jar.toAbsolutePath());
            }
        }
    }

    private Path discovery(String... addresses) throws IOException {
        Path script = tmp.resolve("gpus-" + addresses.length + ".sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [" + String.join(", ",
                List.of(addresses).stream().map(a -> "\"" + a + "\"").toList()) + "]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private String yaml(Path report, Path discovery, int gpus, int trialsPerGpu, int millisPerStep) {
        return """
                name: cluster
                seed: 5
                search_space: {depth: {min: 2, max: 3}, kinds: [attention, ffn], ffn_widths: [32, 64], heads: [2], d_model: [32], context: 16}
                data: {corpus: europarl, batch_size: 4, validation_batches: 1}
                fidelity: {rungs: [{max_steps: 40}]}
                search: {strategy: random, population: 4}
                budget: {max_trials: 8}
                reevaluation: {seeds: 0}
                workers:
                  count: 2
                  threads: 1
                  heap: 96m
                  gpus: all
                  trials_per_gpu: %d
                  backend: spark
                  spark:
                    master: local-cluster[1,2,1024]
                    conf:
                      spark.ui.enabled: false
                      spark.driver.host: 127.0.0.1
                      spark.driver.bindAddress: 127.0.0.1
                      spark.executor.memory: 512m
                      spark.worker.resource.gpu.amount: %d
                      spark.worker.resource.gpu.discoveryScript: %s
                      spark.executor.resource.gpu.amount: %d
                      spark.executor.resource.gpu.discoveryScript: %s
                      spark.executorEnv.%s: %s
                      spark.executorEnv.%s: %d
                """.formatted(trialsPerGpu, gpus, discovery, gpus, discovery, StubWorkerMain.REPORT, report,
                StubWorkerMain.MILLIS_PER_STEP, millisPerStep);
    }

    private SearchOutcome run(String yaml, Path dir) {
        return Search.open(StudyConfigReader.read(yaml), yaml, dir, "test",
                SparkExecutors.of(StubWorkerMain.class.getName())).run(SearchListener.NONE);
    }

    private static List<Ran> ran(Path report) throws IOException {
        List<Ran> out = new ArrayList<>();
        for (String line : Files.readAllLines(report)) {
            String[] f = line.split(" ");
            out.add(new Ran(f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
        return out;
    }

    private static boolean overlap(Ran a, Ran b) {
        return a.start() < b.end() && b.start() < a.end();
    }

    /** The executor JVMs this JVM's cluster started. */
    private static List<ProcessHandle> executors() {
        return ProcessHandle.current().descendants().filter(p -> {
            try {
                // /proc rather than ProcessHandle.Info: the executor's class path makes its command line long.
                return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
                        .contains("CoarseGrainedExecutorBackend");
            } catch (IOException | java.io.UncheckedIOException e) {
                return false;
            }
        }).toList();
    }

    @Test
    void eachRunningTrialHasItsOwnGpuAndAKilledExecutorLosesNoTrial() throws Exception {
        Path report = tmp.resolve("report.txt");
        Path dir = tmp.resolve("study");
        AtomicBoolean killed = new AtomicBoolean();
        Thread killer = new Thread(() -> {
            try {
                // Kill the executor once a trial of the second generation has been running for a while.
                while (!killed.get()) {
                    Thread.sleep(100);
                    if (Files.exists(report) && Files.readAllLines(report).size() >= 3) {
                        Thread.sleep(300);
                        for (ProcessHandle p : executors()) {
                            killed.set(p.destroyForcibly() || killed.get());
                        }
                    }
                }
            } catch (InterruptedException | IOException e) {
                // test over
            }
        });
        killer.setDaemon(true);
        killer.start();
        SearchOutcome o = run(yaml(report, discovery("0", "1"), 2, 1, 25), dir);
        killer.interrupt();
        assertThat(killed).as("an executor was killed mid-study").isTrue();
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            List<TrialRecord> trials = s.trials();
            assertThat(trials).hasSize(8);
            assertThat(trials).extracting(TrialRecord::key).doesNotHaveDuplicates();
            assertThat(trials).allSatisfy(t -> {
                assertThat(t.status()).as(t.result().failure()).isEqualTo(TrialStatus.COMPLETED);
                assertThat(t.result().provenance().device()).matches("gpu [01] unknown; engine: .*");
            });
        }
        List<Ran> ran = ran(report);
        for (Ran a : ran) {
            assertThat(a.device()).isIn("0", "1");
            for (Ran b : ran) {
                if (a != b && overlap(a, b)) {
                    assertThat(a.device()).as("trials running at once").isNotEqualTo(b.device());
                }
            }
        }
    }

    @Test
    void twoTrialsShareOneGpuWithTwoTrialsPerGpu() throws Exception {
        Path report = tmp.resolve("report.txt");
        SearchOutcome o = run(yaml(report, discovery("0"), 1, 2, 25), tmp.resolve("study"));
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        List<Ran> ran = ran(report);
        assertThat(ran).hasSize(8).allSatisfy(r -> assertThat(r.device()).isEqualTo("0"));
        Optional<Ran> shared = ran.stream().filter(a -> ran.stream().anyMatch(b -> a != b && overlap(a, b)))
                .findFirst();
        assertThat(shared).as("two trials ran on device 0 at once").isPresent();
    }
}
