package dev.sublayer.spark;

import dev.sublayer.evaluator.worker.WorkerProtocol;
import dev.sublayer.search.exec.Gpu;
import dev.sublayer.search.exec.NvidiaSmi;
import dev.sublayer.search.exec.TrialCallback;
import dev.sublayer.search.exec.TrialTask;
import dev.sublayer.search.exec.WorkerPoolExecutor;
import dev.sublayer.search.exec.WorkerSpec;
import dev.sublayer.trial.TrialResult;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;

/**
 * The body of one Spark task: runs one trial in a worker process on the executor and returns its result as a
 * {@link WorkerProtocol} result line. The worker processes belong to a pool per executor JVM and device, kept
 * warm between tasks, with the local pool's handling of crashes, hangs and out-of-memory: a trial that fails
 * comes back as a failed result, never as a task exception, so Spark retries a task only when its executor was
 * lost. A task given a GPU by Spark's resource scheduling runs its worker on that device alone
 * ({@code CUDA_VISIBLE_DEVICES}) and names it in the trial's provenance.
 *
 * @param workerMainClass the worker's main class (it must be on the executor's class path)
 * @param workerArgs      the worker's arguments
 * @param heap            each worker JVM's heap
 * @param threads         threads per worker
 * @param environment     variables added to each worker's environment
 * @param perDevice       worker processes per GPU (trials sharing one device), or per executor on the CPU
 * @param timeoutSeconds  wall-clock limit of the trial
 */
record TrialOnExecutor(String workerMainClass, List<String> workerArgs, String heap, int threads,
                       Map<String, String> environment, int perDevice, double timeoutSeconds)
        implements Function<TrialPayload, TrialPayload.Answer>, Serializable {

    /**
     * The largest checkpoint that travels with a task or its result: Spark's task messages are limited to 128 MB
     * ({@code spark.rpc.message.maxSize}); larger checkpoints need a shared filesystem.
     */
    static final long MAX_TRAVELLING_CHECKPOINT_BYTES = 100L << 20;

    /** The pools of this executor JVM, by worker settings and device (one JVM may serve several studies). */
    private static final Map<PoolKey, WorkerPoolExecutor> POOLS = new ConcurrentHashMap<>();

    /** What makes two tasks' worker processes interchangeable. */
    private record PoolKey(TrialOnExecutor settings, Optional<Gpu> device) {
    }

    /**
     * Stops the worker processes of this JVM's pools: the driver calls it when it closes, which ends the workers
     * of {@code local[N]} mode (executor JVMs elsewhere end theirs when they exit).
     */
    static void closePools() {
        List<WorkerPoolExecutor> pools = List.copyOf(POOLS.values());
        POOLS.clear();
        pools.forEach(WorkerPoolExecutor::close);
    }

    TrialOnExecutor {
        workerArgs = List.copyOf(workerArgs);
        environment = Map.copyOf(environment);
    }

    /** This executor as the driver's task listener names it: {@code spark executor ID on HOST}. */
    private static String where() {
        SparkEnv env = SparkEnv.get();
        return "spark executor " + env.executorId() + " on " + env.blockManager().blockManagerId().host();
    }

    @Override
    public TrialPayload.Answer call(TrialPayload payload) throws Exception {
        WorkerProtocol.RequestLine r = WorkerProtocol.readRequestLine(payload.requestLine());
        if (payload.checkpoint() == null && !payload.returnCheckpoint()) {
            return new TrialPayload.Answer(run(r), null, where());
        }
        // No shared filesystem: the checkpoints live in a scratch folder of this executor for the trial's time.
        Path scratch = Files.createTempDirectory("sublayer-trial-");
        try {
            Optional<Path> resumeFrom = Optional.empty();
            if (payload.checkpoint() != null) {
                resumeFrom = Optional.of(Files.write(scratch.resolve("resume.ckpt"), payload.checkpoint()));
            }
            Optional<Path> checkpointTo = payload.returnCheckpoint() ? Optional.of(scratch.resolve("out.ckpt"))
                    : Optional.empty();
            String line = run(new WorkerProtocol.RequestLine(r.request(), resumeFrom, checkpointTo));
            byte[] back = null;
            if (checkpointTo.isPresent() && Files.exists(checkpointTo.get())) {
                long size = Files.size(checkpointTo.get());
                if (size > MAX_TRAVELLING_CHECKPOINT_BYTES) {
                    return new TrialPayload.Answer(WorkerProtocol.resultLine(SparkExecutor.failed(
                            SparkExecutor.tooLarge(size))), null, where());
                }
                back = Files.readAllBytes(checkpointTo.get());
            }
            return new TrialPayload.Answer(line, back, where());
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(scratch);
        }
    }

    /** Runs the trial of {@code r} in a worker process of this executor; returns its result line. */
    private String run(WorkerProtocol.RequestLine r) throws Exception {
        Optional<Gpu> device = device();
        // The trial's time limit is the pool job's, not the pool's: tasks of any limit share the workers.
        TrialOnExecutor settings = new TrialOnExecutor(workerMainClass, workerArgs, heap, threads, environment,
                perDevice, 1);
        WorkerPoolExecutor pool = POOLS.computeIfAbsent(new PoolKey(settings, device), k -> pool(device));
        TrialTask task = new TrialTask(r.request().architecture().id(), r.request(), r.resumeFrom(), r.checkpointTo(),
                timeoutSeconds);
        CompletableFuture<TrialResult> result = new CompletableFuture<>();
        TrialCallback callback = new TrialCallback() {
            @Override
            public void started(String worker) {
            }

            @Override
            public void finished(TrialResult done) {
                result.complete(done);
            }

            @Override
            public void cancelled() {
                result.cancel(false);
            }
        };
        pool.submit(task, callback);
        try {
            return WorkerProtocol.resultLine(result.get());
        } catch (InterruptedException e) {
            // Spark cancelled the job (the search is stopping): stop this trial's worker.
            pool.cancel(callback);
            Thread.currentThread().interrupt();
            throw e;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            throw new IOException("the trial was cancelled on the executor", e);
        }
    }

    private WorkerPoolExecutor pool(Optional<Gpu> device) {
        WorkerSpec spec = WorkerPoolExecutor.javaWorker(workerMainClass, workerArgs, heap, threads, Optional.empty());
        for (Map.Entry<String, String> e : environment.entrySet()) {
            spec = spec.withEnvironment(e.getKey(), e.getValue());
        }
        List<Optional<Gpu>> slots = new ArrayList<>();
        for (int i = 0; i < perDevice; i++) {
            slots.add(device);
        }
        return new WorkerPoolExecutor(slots, spec);
    }

    /** The GPU Spark gave this task, described by the executor's {@code nvidia-smi} where it has one. */
    private static Optional<Gpu> device() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return Optional.empty();
        }
        ResourceInformation gpu = context.resourcesJMap().get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            return Optional.empty();
        }
        int index = Integer.parseInt(gpu.addresses()[0].strip());
        try {
            for (Gpu g : NvidiaSmi.onPath().list()) {
                if (g.index() == index) {
                    return Optional.of(g);
                }
            }
        } catch (IOException e) {
            // no nvidia-smi (or fake GPUs): the index is all we know
        }
        return Optional.of(Gpu.unknown(index));
    }
}
