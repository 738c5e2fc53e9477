package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.ProcessMemory;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.testing.SlowTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate} in its own JVM under a small native-memory limit (JavaCPP's {@value ProcessMemory#MAX_PHYSICAL_BYTES}):
 * a model whose estimated training memory exceeds the limit is refused before it is built (exit 2, naming both),
 * and one that fits its estimate but not the limit ends as the process's own out-of-memory result (exit 1), not
 * as the kernel's OOM killer. Every run is bounded by a small heap and limit, so even a regression cannot take
 * the machine's memory.
 */
@SlowTest
@NativeTest
class EvaluateMemoryTest {

    @TempDir
    Path tmp;

    private record Run(int exitCode, String out, String err) {
    }

    private Run evaluate(String limit, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-Xss4m", "-Xmx1g", "-D" + ProcessMemory.MAX_PHYSICAL_BYTES + "=" + limit, "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "evaluate"));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("evaluate did not end within 120 s: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void aBatchTooLargeForTheProcessIsRefusedBeforeAnythingIsBuilt() throws Exception {
        Run r = evaluate("2g", "A2 F32", "--d-model", "32", "--context", "16", "--steps", "1", "--threads", "1",
                "--batch", "1000000");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).matches("sublayer: error: estimated training memory [0-9.]+ GiB \\([0-9]+ bytes "
                + "at batch 1000000 x context 16\\) exceeds this process's memory limit of 2\\.00 GiB \\("
                + "org\\.bytedeco\\.javacpp\\.maxphysicalbytes=2147483648; the machine has [0-9.]+ GiB\\); use a "
                + "smaller --batch, --context or model");
    }

    @Test
    void aModelThatOutgrowsItsEstimateEndsAsTheProcesssOwnOutOfMemory() throws Exception {
        // batch 3500: estimated 0.32 GiB, fits 350 MiB; the run itself (JVM, natives, workspace) needs ~470 MB
        Run r = evaluate("350m", "A2 F32", "--d-model", "32", "--context", "16", "--steps", "3", "--threads", "1",
                "--batch", "3500");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("status                out_of_memory");
        assertThat(r.err()).contains("sublayer: error: trial out_of_memory: out of memory: ");
    }
}
