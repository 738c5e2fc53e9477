package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.evaluator.ProcessMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerSpecTest {

    @Test
    void aJavaWorkerRunsTheMainClassOnThisClasspathWithTheHeapAndThreads() {
        WorkerSpec spec = WorkerPoolExecutor.javaWorker("dev.example.Main", List.of("--engine", "dl4j"), "768m", 3,
                Optional.of(Path.of("logs")));
        List<String> cmd = spec.command();
        assertThat(cmd).contains(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xmx768m", "-XX:ActiveProcessorCount=3");
        assertThat(cmd.subList(cmd.size() - 5, cmd.size()))
                .containsExactly("-cp", System.getProperty("java.class.path"), "dev.example.Main", "--engine", "dl4j");
        assertThat(spec.environment()).containsEntry("OMP_NUM_THREADS", "3").containsEntry("OPENBLAS_NUM_THREADS", "3")
                .containsEntry("MKL_DYNAMIC", "FALSE");
        assertThat(spec.threads()).isEqualTo(3);
        assertThat(spec.logDirectory()).contains(Path.of("logs"));
    }

    @Test
    void eachWorkerGetsANativeMemoryLimitOfAtMostFourHeapsAndItsShareOfTheMachine() {
        long machine = ProcessMemory.machineBytes();
        String one = "-D" + ProcessMemory.MAX_PHYSICAL_BYTES + "=" + Math.min(4 * (768L << 20),
                (long) (machine * ProcessMemory.MACHINE_SHARE));
        assertThat(WorkerPoolExecutor.javaWorker("dev.example.Main", List.of(), "768m", 1, Optional.empty())
                .command()).contains(one);
        String three = "-D" + ProcessMemory.MAX_PHYSICAL_BYTES + "=" + Math.min(4 * (64L << 30),
                (long) (machine * ProcessMemory.MACHINE_SHARE / 3));
        assertThat(WorkerPoolExecutor.javaWorker("dev.example.Main", List.of(), "64g", 1, 3, Optional.empty())
                .command()).contains(three);
    }

    @Test
    void withEnvironmentAddsOneVariableAndLeavesTheSpecAsItWas() {
        WorkerSpec spec = new WorkerSpec(List.of("worker"), Map.of("A", "1"), Optional.empty(), 2);
        WorkerSpec more = spec.withEnvironment("B", "2");
        assertThat(more.environment()).isEqualTo(Map.of("A", "1", "B", "2"));
        assertThat(more.command()).isEqualTo(spec.command());
        assertThat(more.threads()).isEqualTo(2);
        assertThat(spec.environment()).isEqualTo(Map.of("A", "1"));
        assertThat(spec.withEnvironment("A", "3").environment()).isEqualTo(Map.of("A", "3"));
    }

    @Test
    void aSpecIsImmutable() {
        List<String> command = new ArrayList<>(List.of("worker"));
        WorkerSpec spec = new WorkerSpec(command, Map.of(), Optional.empty(), 1);
        command.add("more");
        assertThat(spec.command()).containsExactly("worker");
        assertThatThrownBy(() -> spec.command().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new WorkerSpec(List.of(), Map.of(), null, 1))
                .isInstanceOf(NullPointerException.class).hasMessage("logDirectory");
    }
}
