package dev.sublayer.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.exec.DefaultExecutors;
import dev.sublayer.search.exec.StubWorkerMain;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.testing.SlowTest;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny study on the Spark backend gives what it gives on the local pool of worker processes. */
@SlowTest
class SparkStudyTest {

    static final String STUDY = """
            name: tiny
            seed: 11
            search_space:
              depth: {min: 2, max: 4}
              kinds: [attention, ffn]
              ffn_widths: [32, 64]
              heads: [2]
              d_model: [32]
              context: 16
            data: {corpus: europarl, batch_size: 4, validation_batches: 1}
            fidelity:
              rungs: [{max_steps: 20}, {max_steps: 60}]
              keep_fraction: 0.5
            search: {strategy: nsga2, population: 4, template_depths: [3]}
            budget: {max_trials: 8}
            reevaluation: {seeds: 1, max_candidates: 1}
            """;

    @TempDir
    Path tmp;

    private static final String SPARK = """
            workers:
              count: 2
              threads: 1
              heap: 128m
              backend: spark
              spark:
                master: local[2]
                conf: {spark.ui.enabled: false, spark.driver.host: 127.0.0.1, spark.driver.bindAddress: 127.0.0.1}
            """;

    private static final String LOCAL = """
            workers: {count: 2, threads: 1, heap: 128m}
            """;

    /** Every trial of the study in {@code dir}: key -> status, bits per byte and rung. */
    static Map<String, String> trials(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            for (TrialRecord t : s.trials()) {
                out.put(t.key(), t.status() + " " + t.result().metrics().validBitsPerByte() + " r" + t.rung());
            }
        }
        return out;
    }

    @Test
    void theSameConfigAndSeedGiveTheSameFrontOnSparkAsOnTheLocalPool() throws Exception {
        String sparkYaml = STUDY + SPARK;
        StudyConfig sparkConfig = StudyConfigReader.read(sparkYaml);
        assertThat(sparkConfig.workers().backend()).isEqualTo(StudyConfig.Backend.SPARK);
        SearchOutcome onSpark = Search.open(sparkConfig, sparkYaml, tmp.resolve("spark"), "test",
                SparkExecutors.of(StubWorkerMain.class.getName())).run(SearchListener.NONE);

        String localYaml = STUDY + LOCAL;
        SearchOutcome local = Search.open(StudyConfigReader.read(localYaml), localYaml, tmp.resolve("local"), "test",
                DefaultExecutors.of((engine, threads) -> {
                    throw new IllegalStateException("worker processes only");
                }, StubWorkerMain.class.getName())).run(SearchListener.NONE);

        assertThat(onSpark.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(onSpark.front()).isEqualTo(local.front());
        assertThat(onSpark.reevaluation()).isEqualTo(local.reevaluation());
        Map<String, String> sparkTrials = trials(tmp.resolve("spark"));
        assertThat(sparkTrials).isEqualTo(trials(tmp.resolve("local")));
        assertThat(sparkTrials.values()).allMatch(v -> v.startsWith(TrialStatus.COMPLETED.toString()));
        // Each trial is recorded once, having run on a Spark executor.
        try (StudyStore s = StudyStore.openReadOnly(tmp.resolve("spark"))) {
            List<TrialRecord> all = s.trials();
            assertThat(all).extracting(TrialRecord::key).doesNotHaveDuplicates();
            assertThat(all).allSatisfy(t -> assertThat(t.worker()).startsWith("spark executor driver on "));
        }
        assertThat(onSpark.utilisation().slots()).isEqualTo(2);

        // Without a shared filesystem the checkpoints travel with the tasks: the worker writes them in the
        // executor's scratch folder, the driver stores them, and the rung-1 trials continue from them.
        String travelling = (STUDY + SPARK).replace("keep_fraction: 0.5", "keep_fraction: 0.5\n  keep_checkpoints: true")
                .replace("master: local[2]", "master: local[2]\n    shared_filesystem: false");
        StudyConfig travellingConfig = StudyConfigReader.read(travelling);
        assertThat(travellingConfig.workers().spark().sharedFilesystem()).isFalse();
        Search.open(travellingConfig, travelling, tmp.resolve("travelling"), "test",
                SparkExecutors.of(StubWorkerMain.class.getName())).run(SearchListener.NONE);
        assertThat(trials(tmp.resolve("travelling"))).isEqualTo(sparkTrials);
        assertThat(sparkTrials.values()).anyMatch(v -> v.endsWith(" r1"));
        try (var files = java.nio.file.Files.walk(tmp.resolve("travelling").resolve("checkpoints"))) {
            assertThat(files.filter(java.nio.file.Files::isRegularFile).toList()).isNotEmpty();
        }
    }
}
