package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.exec.DefaultExecutors;
import dev.sublayer.search.exec.NvidiaSmi;
import dev.sublayer.search.exec.StubWorkerMain;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.InMemoryStudyStore;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.trial.WorkerUtilisation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A study's worker slots: their utilisation per generation, and GPUs checked before a study is opened. */
class WorkerSlotsStudyTest {

    @TempDir
    Path tmp;

    @Test
    void everyGenerationStoresItsWorkerUtilisationAndTheOutcomeSumsThem() {
        String yaml = TestStudies.yaml("nsga2", 3, 12, "");
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve("s"));
        SearchOutcome o = TestStudies.on(yaml, study, TestStudies.stub(new StubEngine.Counters(), 0.5))
                .run(SearchListener.NONE);
        try (StudyStorage s = study.reopenReadOnly()) {
            List<GenerationRecord> gens = s.generations();
            assertThat(gens).isNotEmpty().allSatisfy(g -> {
                WorkerUtilisation u = g.utilisation().orElseThrow();
                assertThat(u.slots()).isEqualTo(2);
                assertThat(u.busySeconds()).isPositive();
                assertThat(u.busySeconds()).isLessThanOrEqualTo(u.availableSeconds() * 1.01);
            });
            assertThat(o.utilisation()).isEqualTo(WorkerUtilisation.sum(gens.stream()
                    .map(g -> g.utilisation().orElseThrow()).toList()));
        }
    }

    @Test
    void gpusAllWithoutNvidiaSmiIsRefusedBeforeTheStudyIsCreated() throws Exception {
        Path emptyPath = Files.createDirectories(tmp.resolve("bin"));
        DefaultExecutors executors = DefaultExecutors.of((engine, threads) -> new StubEngine(0,
                new StubEngine.Counters()), StubWorkerMain.class.getName()).withGpus(NvidiaSmi.onPath(emptyPath
                .toString()));
        String yaml = TestStudies.yaml("nsga2", 3, 12, "").replace("workers: {count: 2, threads: 1, mode: in_process}",
                "workers: {gpus: all, threads: 1}");
        Path dir = tmp.resolve("study");
        assertThatThrownBy(() -> Search.open(TestStudies.config(yaml), yaml, dir, "test", executors))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/workers/gpus: all needs nvidia-smi");
        assertThat(dir).doesNotExist();
    }
}
