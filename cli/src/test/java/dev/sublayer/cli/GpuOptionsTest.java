package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.testing.SlowTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --gpus} / {@code --trials-per-gpu} and the machine's GPUs as {@code search} checks them. */
class GpuOptionsTest {

    private static final String MICRO = """
            name: micro
            seed: 4
            search_space: {depth: {min: 1, max: 2}, ffn_widths: [16], heads: [2], residual: [true], d_model: [16], context: 8}
            data: {corpus: europarl, batch_size: 2, validation_batches: 1}
            training: {warmup_steps: 1, schedule_steps: 4}
            fidelity: {rungs: [{max_steps: 3}]}
            search: {strategy: random, population: 2}
            budget: {max_trials: 2}
            reevaluation: {seeds: 0}
            workers: {count: 1, threads: 1}
            """;

    @TempDir
    Path tmp;

    @Test
    void badGpuOptionsExitTwoNamingTheOption() throws Exception {
        Path config = Files.writeString(tmp.resolve("micro.yaml"), MICRO);
        String dir = tmp.resolve("x").toString();
        CliRunner twice = CliRunner.run("search", config.toString(), "--dir", dir, "--gpus", "0,0");
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("--gpus 0,0: GPU indices must be distinct, got [0, 0]");
        CliRunner words = CliRunner.run("search", config.toString(), "--dir", dir, "--gpus", "first");
        assertThat(words.exitCode()).isEqualTo(2);
        assertThat(words.err()).contains("--gpus must be all, none or device indices like 0,1,3, got 'first'");
        CliRunner tooMany = CliRunner.run("search", config.toString(), "--dir", dir, "--gpus", "0,1", "--workers", "3");
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err()).contains("workers.count 3 exceeds the 2 GPU(s) x 1 trials_per_gpu = 2 device slots");
        CliRunner perGpu = CliRunner.run("search", config.toString(), "--dir", dir, "--trials-per-gpu", "0");
        assertThat(perGpu.exitCode()).isEqualTo(2);
        assertThat(perGpu.err()).contains("--trials-per-gpu must be >= 1, got 0");
        CliRunner master = CliRunner.run("search", config.toString(), "--dir", dir, "--spark-master", "http://x");
        assertThat(master.exitCode()).isEqualTo(2);
        assertThat(master.err()).contains("--spark-master must be spark://HOST:PORT, k8s://URL, yarn, "
                + "local-cluster[N,CORES,MB] or local[N], got 'http://x'");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    /** Runs {@code sublayer search} in a JVM of its own whose PATH is {@code path} only. */
    private static Process search(Path config, Path dir, String path, String... more) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "search",
                config.toString(), "--dir", dir.toString()));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", path);
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    @SlowTest
    void aMissingNvidiaSmiOrAWrongDeviceIndexExitsTwoBeforeTheStudyExists() throws Exception {
        Path config = Files.writeString(tmp.resolve("micro.yaml"), MICRO);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Process all = search(config, tmp.resolve("a"), empty.toString(), "--gpus", "all");
        String allOut = finish(all);
        assertThat(all.exitValue()).as(allOut).isEqualTo(2);
        assertThat(allOut).contains("/workers/gpus: all needs nvidia-smi to find the GPUs: nvidia-smi not found "
                + "(PATH=" + empty + ")");
        assertThat(tmp.resolve("a")).doesNotExist();

        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho '0, NVIDIA A100-SXM4-40GB, 40960, 8.0'\necho '1, NVIDIA A100-SXM4-40GB, "
                + "40960, 8.0'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process wrong = search(config, tmp.resolve("b"), bin.toString(), "--gpus", "1,4");
        String wrongOut = finish(wrong);
        assertThat(wrong.exitValue()).as(wrongOut).isEqualTo(2);
        assertThat(wrongOut).contains("/workers/gpus: device 4 does not exist; nvidia-smi lists devices "
                + "0 (NVIDIA A100-SXM4-40GB), 1 (NVIDIA A100-SXM4-40GB)");
        assertThat(tmp.resolve("b")).doesNotExist();
    }
}
