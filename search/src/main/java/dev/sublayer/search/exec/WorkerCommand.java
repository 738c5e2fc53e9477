package dev.sublayer.search.exec;

import dev.sublayer.evaluator.ProcessMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line and environment of a worker JVM: this JVM's {@code java} and classpath, the flags ND4J and
 * the engines need, the heap, the native-memory limit ({@link ProcessMemory}) and thread count, and the thread
 * settings of the native libraries that keep runs fast and reproducible.
 */
final class WorkerCommand {

    private WorkerCommand() {
    }

    /** See {@link WorkerPoolExecutor#javaWorker(String, List, String, int, int, Optional)}. */
    static WorkerSpec javaWorker(String mainClass, List<String> args, String heap, int threads, int workers,
                                 Optional<Path> logDirectory) {
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            cmd.add(setsid.toString());
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.add("-Xss4m");
        cmd.add("-Xmx" + heap);
        // Native memory beyond the estimate ends as the worker's own OutOfMemoryError (a failed trial), never as
        // the kernel's OOM killer: JavaCPP's default limit, four heaps, ignores the machine and the other workers.
        cmd.add("-D" + ProcessMemory.MAX_PHYSICAL_BYTES + "="
                + ProcessMemory.physicalCap(ProcessMemory.heapBytes(heap), workers));
        cmd.add("-XX:ActiveProcessorCount=" + threads);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMP_NUM_THREADS", Integer.toString(threads));
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        // MKL (the djl engine's PyTorch) must not vary its thread use between calls, or runs drift apart.
        env.put("MKL_DYNAMIC", "FALSE");
        // Idle OpenMP threads sleep rather than spin (unless the user chose otherwise): with spinning threads
        // ND4J's OpenMP pool and the BLAS threads fight over the cores (3-4x slower DL4J steps).
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            env.put("OMP_WAIT_POLICY", "PASSIVE");
        }
        return new WorkerSpec(cmd, env, logDirectory, threads);
    }
}
