package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.GpuSelection;
import dev.sublayer.search.config.StudyConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuSlotsTest {

    @TempDir
    Path tmp;

    private static StudyConfig.Workers workers(int count, GpuSelection gpus, int perGpu) {
        return new StudyConfig.Workers(count, 1, "1g", StudyConfig.WorkerMode.PROCESS, Double.NaN, 120, gpus, perGpu);
    }

    private static List<Integer> indices(List<Optional<Gpu>> slots) {
        return slots.stream().map(s -> s.map(Gpu::index).orElse(-1)).toList();
    }

    @Test
    void everyGpuFoundGetsItsSlotsSpreadRoundRobin() {
        List<Optional<Gpu>> slots = GpuSlots.assign(workers(0, GpuSelection.ALL, 2), "djl",
                FakeNvidiaSmi.twoH100(tmp));
        assertThat(indices(slots)).containsExactly(0, 1, 0, 1);
        assertThat(slots.getFirst().orElseThrow())
                .isEqualTo(new Gpu(0, "NVIDIA H100 80GB HBM3", 81559, "9.0"));
        assertThat(slots.getFirst().orElseThrow().describe())
                .isEqualTo("gpu 0 NVIDIA H100 80GB HBM3, 81559 MiB, compute 9.0");
        assertThat(GpuSlots.describe(slots)).isEqualTo("on gpu 0, 1 (up to 2 trials per GPU)");
    }

    @Test
    void fewerWorkersThanDeviceSlotsUseEveryDeviceFirst() {
        List<Optional<Gpu>> slots = GpuSlots.assign(workers(2, GpuSelection.of(List.of(1, 0)), 2), "djl",
                FakeNvidiaSmi.twoH100(tmp));
        assertThat(indices(slots)).containsExactly(1, 0);
    }

    @Test
    void cpuWorkersGetNoDeviceAndNeverAskNvidiaSmi() {
        List<Optional<Gpu>> slots = GpuSlots.assign(workers(3, GpuSelection.NONE, 1), "dl4j",
                NvidiaSmi.onPath(tmp.resolve("nothing-here").toString()));
        assertThat(slots).hasSize(3).allMatch(Optional::isEmpty);
    }

    @Test
    void aListedIndexTheMachineLacksIsAConfigErrorListingTheDevices() {
        assertThatThrownBy(() -> GpuSlots.assign(workers(2, GpuSelection.of(List.of(0, 5)), 1), "djl",
                FakeNvidiaSmi.twoH100(tmp)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/workers/gpus: device 5 does not exist")
                .hasMessageContaining("0 (NVIDIA H100 80GB HBM3), 1 (NVIDIA H100 80GB HBM3)");
    }

    @Test
    void allWithoutNvidiaSmiIsAConfigErrorSayingWhatToDo() {
        assertThatThrownBy(() -> GpuSlots.assign(workers(0, GpuSelection.ALL, 1), "djl",
                NvidiaSmi.onPath(tmp.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/workers/gpus: all needs nvidia-smi")
                .hasMessageContaining("not found (PATH=" + tmp + ")")
                .hasMessageContaining("gpus: none");
    }

    @Test
    void allOnAMachineWithoutGpusIsAConfigError() {
        assertThatThrownBy(() -> GpuSlots.assign(workers(0, GpuSelection.ALL, 1), "djl",
                FakeNvidiaSmi.in(tmp, true)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lists no GPU");
    }

    @Test
    void moreWorkersThanTheDeviceSlotsFoundIsRefused() {
        assertThatThrownBy(() -> GpuSlots.assign(workers(5, GpuSelection.ALL, 2), "djl",
                FakeNvidiaSmi.twoH100(tmp)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/workers/count: must be <= the 2 GPU(s) found x trials_per_gpu 2 = 4, got 5");
    }

    @Test
    void dl4jOnAGpuBeyondComputeCapability86IsRefusedNamingDjl() {
        assertThatThrownBy(() -> GpuSlots.assign(workers(0, GpuSelection.ALL, 1), "dl4j",
                FakeNvidiaSmi.twoH100(tmp)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/training/engine: dl4j cannot train on gpu 0 NVIDIA H100")
                .hasMessageContaining("engine: djl");
        assertThat(GpuSlots.assign(workers(0, GpuSelection.ALL, 1), "dl4j", FakeNvidiaSmi.twoA6000(tmp)))
                .hasSize(2);
    }

    @Test
    void aDriverThatCannotReportComputeCapabilityStillListsItsDevices() throws Exception {
        NvidiaSmi old = FakeNvidiaSmi.in(tmp, false, "0, Tesla V100-SXM2-16GB, 16160, 7.0");
        assertThat(old.list()).containsExactly(new Gpu(0, "Tesla V100-SXM2-16GB", 16160, ""));
        assertThat(old.list().getFirst().capability()).isEqualTo(-1);
    }

    @Test
    void listedDevicesWithoutNvidiaSmiAreUsedUncheckedAndUnnamed() {
        List<Optional<Gpu>> slots = GpuSlots.assign(workers(2, GpuSelection.of(List.of(2, 3)), 1), "dl4j",
                NvidiaSmi.onPath(tmp.toString()));
        assertThat(slots).containsExactly(Optional.of(Gpu.unknown(2)), Optional.of(Gpu.unknown(3)));
        assertThat(Gpu.unknown(2).describe()).isEqualTo("gpu 2 unknown");
    }

    @Test
    void theBinaryIsTheFirstExecutableOnThePath() {
        FakeNvidiaSmi.twoH100(tmp.resolve("b"));
        NvidiaSmi smi = NvidiaSmi.onPath(tmp.resolve("a") + ":" + tmp.resolve("b") + ":" + tmp.resolve("c"));
        assertThat(smi.binary()).contains(tmp.resolve("b").resolve("nvidia-smi"));
    }
}
