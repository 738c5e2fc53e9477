package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.config.GpuSelection;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import dev.sublayer.testing.SlowTest;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker processes on (fake) GPUs: the stub worker reports the {@code CUDA_VISIBLE_DEVICES} it was given and when
 * each trial ran, which proves the assignment without a GPU.
 */
@SlowTest
class GpuWorkerPoolTest {

    @TempDir
    Path tmp;

    /** One trial as the worker reported it. */
    record Ran(long pid, String device, long start, long end) {
    }

    private static TrialTask task(int i) {
        String notation = "A2 F" + (32 + i);
        Architecture a = Notation.parse(notation, 32, 16, NormPlacement.PRE);
        return new TrialTask(a.id(), new TrialRequest(a, DataConfig.defaults().withBatchSize(2),
                TrainingConfig.defaults(), Budget.steps(40), 5), Optional.empty(), Optional.empty(), 120);
    }

    @Test
    void eachWorkerSeesOnlyItsGpuTwoTrialsShareEachDeviceAndNoDeviceIdlesWhileTrialsWait() throws Exception {
        Path report = tmp.resolve("report.txt");
        StudyConfig.Workers workers = new StudyConfig.Workers(0, 1, "64m", StudyConfig.WorkerMode.PROCESS, Double.NaN,
                120, GpuSelection.ALL, 2);
        List<Optional<Gpu>> devices = GpuSlots.assign(workers, "djl", FakeNvidiaSmi.twoH100(tmp.resolve("bin")));
        // 40 steps of 25 ms: each trial trains for about a second, long enough to overlap the others.
        WorkerSpec spec = WorkerPoolExecutor.javaWorker(StubWorkerMain.class.getName(), List.of("25"), "64m", 1,
                Optional.of(tmp.resolve("logs"))).withEnvironment(StubWorkerMain.REPORT, report.toString());
        List<CompletableFuture<String[]>> heard = new ArrayList<>();
        try (WorkerPoolExecutor pool = new WorkerPoolExecutor(devices, spec)) {
            assertThat(pool.slots()).isEqualTo(4);
            assertThat(pool.describe()).isEqualTo("4 worker processes x 1 thread on gpu 0, 1 (up to 2 trials per GPU)");
            pool.prestart(); // all four JVMs up before the first trial, so every slot can take one at once
            for (int i = 0; i < 8; i++) {
                CompletableFuture<String[]> f = new CompletableFuture<>();
                String[] got = new String[2];
                pool.submit(task(i), new TrialCallback() {
                    @Override
                    public void started(String worker) {
                        got[0] = worker;
                    }

                    @Override
                    public void finished(TrialResult result) {
                        got[1] = result.status() + "|" + result.provenance().device();
                        f.complete(got);
                    }

                    @Override
                    public void cancelled() {
                        f.complete(got);
                    }
                });
                heard.add(f);
            }
            for (CompletableFuture<String[]> f : heard) {
                f.get(120, TimeUnit.SECONDS);
            }
        }
        List<Ran> ran = new ArrayList<>();
        for (String line : Files.readAllLines(report)) {
            String[] f = line.split(" ");
            ran.add(new Ran(Long.parseLong(f[0]), f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
        }
        assertThat(ran).hasSize(8);
        // Each worker process saw exactly one device, and its trials' records name that device.
        Map<Long, String> deviceOfPid = new HashMap<>();
        for (Ran r : ran) {
            assertThat(deviceOfPid.putIfAbsent(r.pid(), r.device())).isIn(null, r.device());
        }
        assertThat(deviceOfPid.values()).containsOnly("0", "1");
        assertThat(deviceOfPid.values().stream().filter("0"::equals).count()).isEqualTo(2);
        assertThat(deviceOfPid.values().stream().filter("1"::equals).count()).isEqualTo(2);
        for (CompletableFuture<String[]> f : heard) {
            String[] got = f.get();
            String pid = got[0].replaceAll(".*pid (\\d+).*", "$1");
            String device = deviceOfPid.get(Long.parseLong(pid));
            assertThat(got[0]).endsWith(" gpu " + device);
            assertThat(got[1]).startsWith(TrialStatus.COMPLETED + "|gpu " + device + " NVIDIA H100 80GB HBM3, "
                    + "81559 MiB, compute 9.0; engine: ");
        }
        // While trials waited (the first four started), all four slots ran at once: two trials on each device.
        long firstEnd = ran.stream().mapToLong(Ran::end).min().orElseThrow();
        List<Ran> first = ran.stream().filter(r -> r.start() < firstEnd).toList();
        assertThat(first).hasSize(4);
        assertThat(first.stream().filter(r -> r.device().equals("0")).count()).isEqualTo(2);
        assertThat(first.stream().filter(r -> r.device().equals("1")).count()).isEqualTo(2);
    }
}
