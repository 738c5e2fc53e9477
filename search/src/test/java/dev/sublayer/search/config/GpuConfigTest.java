package dev.sublayer.search.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code workers.gpus} and {@code workers.trials_per_gpu} keys. */
class GpuConfigTest {

    private static StudyConfig.Workers workers(String yaml) {
        return StudyConfigReader.read("name: t\nworkers: " + yaml + "\n").workers();
    }

    @Test
    void withoutGpusWorkersTrainOnTheCpuAsBefore() {
        StudyConfig.Workers w = workers("{count: 2}");
        assertThat(w.gpus()).isEqualTo(GpuSelection.NONE);
        assertThat(w.trialsPerGpu()).isEqualTo(1);
        assertThat(w.count()).isEqualTo(2);
        assertThat(workers("{gpus: none}").count()).isEqualTo(1);
    }

    @Test
    void theCountDefaultsToGpusTimesTrialsPerGpu() {
        StudyConfig.Workers w = workers("{gpus: [0, 2, 3], trials_per_gpu: 2}");
        assertThat(w.gpus()).isEqualTo(GpuSelection.of(List.of(0, 2, 3)));
        assertThat(w.count()).isEqualTo(6);
        assertThat(workers("{gpus: [1, 0], count: 1}").count()).isEqualTo(1);
        StudyConfig.Workers all = workers("{gpus: all, trials_per_gpu: 3}");
        assertThat(all.gpus()).isEqualTo(GpuSelection.ALL);
        assertThat(all.countPerDevice()).isTrue();
        assertThat(workers("{gpus: all, count: 4}").count()).isEqualTo(4);
    }

    @Test
    void theResolvedConfigReadsBackAndCpuStudiesWriteNoGpuKeys() {
        for (String yaml : List.of("{gpus: [0, 2, 3], trials_per_gpu: 2}", "{gpus: all}", "{gpus: all, count: 3}",
                "{count: 2}")) {
            StudyConfig c = StudyConfigReader.read("name: t\nworkers: " + yaml + "\n");
            String resolved = StudyConfigWriter.resolvedYaml(c);
            assertThat(StudyConfigReader.read(resolved)).as(yaml).isEqualTo(c);
        }
        String cpu = StudyConfigWriter.resolvedYaml(StudyConfigReader.read("name: t\nworkers: {count: 2}\n"));
        assertThat(cpu).doesNotContain("gpus").doesNotContain("trials_per_gpu");
    }

    @Test
    void theSparkBackendReadsItsMasterAndPassesItsConfThrough() {
        StudyConfig.Workers w = workers("{count: 8, backend: spark, spark: {master: 'spark://head:7077', "
                + "conf: {spark.executor.memory: 8g, spark.executor.cores: 4}}}");
        assertThat(w.backend()).isEqualTo(StudyConfig.Backend.SPARK);
        assertThat(w.spark().master()).isEqualTo("spark://head:7077");
        assertThat(w.spark().conf()).containsExactly(java.util.Map.entry("spark.executor.cores", "4"),
                java.util.Map.entry("spark.executor.memory", "8g"));
        StudyConfig c = StudyConfigReader.read("name: t\nworkers: {count: 8, backend: spark, spark: {master: "
                + "'local-cluster[2, 2, 1024]', conf: {spark.ui.enabled: false}}}\n");
        assertThat(StudyConfigReader.read(StudyConfigWriter.resolvedYaml(c))).isEqualTo(c);
        assertThat(workers("{count: 2}").backend()).isEqualTo(StudyConfig.Backend.LOCAL);
        assertThat(workers("{count: 2}").onSpark("local[2]").spark().master()).isEqualTo("local[2]");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{gpus: some}                      | /workers/gpus: must be one of all, none, got 'some'",
            "{gpus: []}                        | /workers/gpus: must have at least 1 item, got 0",
            "{gpus: [-1]}                      | /workers/gpus/0: must be between 0 and 1023, got -1",
            "{gpus: [0.5]}                     | /workers/gpus/0: must be an integer, got 0.5",
            "{gpus: 3}                         | /workers/gpus: must be a list or a string, got 3",
            "{gpus: [1, 1]}                    | /workers/gpus: lists device 1 twice",
            "{trials_per_gpu: 0}               | /workers/trials_per_gpu: must be between 1 and 64, got 0",
            "{gpus: [0, 1], count: 3}          | /workers/count: must be <= the 2 GPU(s) of workers.gpus x trials_per_gpu 1 = 2, got 3",
            "{gpus: all, mode: in_process}     | /workers/gpus: needs mode: process",
            "{backend: yarnish}                | /workers/backend: must be one of local, spark, got 'yarnish'",
            "{backend: spark, mode: in_process} | /workers/backend: spark runs worker processes on the executors",
            "'{spark: {master: \"http://x\"}}'  | /workers/spark/master: must match",
            "'{spark: {conf: {executor.memory: 8g}}}' | /workers/spark/conf",
    })
    void badGpuSettingsNameThePathAndTheRule(String yaml, String message) {
        assertThatThrownBy(() -> workers(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message);
    }
}
