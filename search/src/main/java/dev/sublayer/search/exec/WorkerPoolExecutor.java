package dev.sublayer.search.exec;

import dev.sublayer.evaluator.worker.WorkerProtocol;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs trials in long-lived worker JVMs, one task at a time per worker, speaking {@link WorkerProtocol} over
 * the worker's stdin and stdout. A worker that crashes, runs out of memory or exceeds a task's time limit is
 * killed if need be, its task ends {@code FAILED} (or {@code OUT_OF_MEMORY}) with the reason, and a fresh
 * worker takes the next task; the pool itself never fails.
 *
 * <p>Workers start lazily (or all at once with {@link #prestart()}), in a session of their own where
 * {@code setsid} exists, so a Ctrl-C in the terminal reaches only the search, which then stops them on purpose.
 * Their stderr goes to {@code worker-N.log} in the log directory, when one is given.
 */
public final class WorkerPoolExecutor implements TrialExecutor {

    private static final Logger LOG = LogManager.getLogger(WorkerPoolExecutor.class);
    private static final String EOF = new String("<eof>");
    private static final int STDERR_TAIL = 40;

    private final WorkerSpec spec;
    private final List<Slot> slots = new ArrayList<>();
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /**
     * How to start one worker.
     *
     * @param command     the command line
     * @param environment variables added to the inherited environment
     * @param logDirectory where each worker's stderr is appended ({@code worker-N.log}); empty = discarded after
     *                    keeping the last lines for failure reasons
     * @param threads     threads per worker (for descriptions)
     */
    public record WorkerSpec(List<String> command, Map<String, String> environment, Optional<Path> logDirectory,
                             int threads) {
        public WorkerSpec {
            command = List.copyOf(command);
            environment = Map.copyOf(environment);
            Objects.requireNonNull(logDirectory, "logDirectory");
        }
    }

    /**
     * The spec of a worker JVM running {@code mainClass} on this JVM's classpath, with the flags ND4J needs,
     * the given heap, and {@code threads} cores ({@code OMP_NUM_THREADS}, {@code -XX:ActiveProcessorCount});
     * {@code MKL_DYNAMIC=FALSE} keeps the djl engine deterministic; {@code OMP_WAIT_POLICY=PASSIVE} (unless set in
     * this JVM's environment) keeps idle OpenMP threads from spinning.
     */
    public static WorkerSpec javaWorker(String mainClass, List<String> args, String heap, int threads,
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

    private static final class Job {
        final TrialTask task;
        final TrialCallback callback;
        final AtomicBoolean done = new AtomicBoolean();
        volatile boolean cancelled;

        Job(TrialTask task, TrialCallback callback) {
            this.task = task;
            this.callback = callback;
        }

        void finish(TrialResult result) {
            if (done.compareAndSet(false, true)) {
                if (cancelled) {
                    callback.cancelled();
                } else {
                    callback.finished(result);
                }
            }
        }

        void cancel() {
            cancelled = true;
            if (done.compareAndSet(false, true)) {
                callback.cancelled();
            }
        }
    }

    /** This spec with {@code name=value} added to the workers' environment. */
    public static WorkerSpec withEnvironment(WorkerSpec spec, String name, String value) {
        Map<String, String> env = new LinkedHashMap<>(spec.environment());
        env.put(name, value);
        return new WorkerSpec(spec.command(), env, spec.logDirectory(), spec.threads());
    }

    /** A pool of {@code count} workers started from {@code spec}. */
    public WorkerPoolExecutor(int count, WorkerSpec spec) {
        if (count < 1) {
            throw new IllegalArgumentException("worker count must be >= 1, got " + count);
        }
        this.spec = Objects.requireNonNull(spec, "spec");
        for (int i = 0; i < count; i++) {
            Slot s = new Slot(i + 1);
            slots.add(s);
            s.thread.start();
        }
    }

    @Override
    public int slots() {
        return slots.size();
    }

    @Override
    public String describe() {
        return slots.size() + " worker process" + (slots.size() == 1 ? "" : "es") + " x " + spec.threads()
                + " thread" + (spec.threads() == 1 ? "" : "s");
    }

    /** Starts every worker now instead of at its first task; failures to start surface at the first task. */
    public void prestart() {
        for (Slot s : slots) {
            synchronized (s) {
                try {
                    s.ensureWorker();
                } catch (IOException e) {
                    LOG.warn("cannot start worker {}: {}", s.index, e.getMessage());
                }
            }
        }
    }

    @Override
    public void submit(TrialTask task, TrialCallback callback) {
        Job job = new Job(task, callback);
        if (closed) {
            job.cancel();
            return;
        }
        queue.add(job);
    }

    @Override
    public void cancelAll() {
        List<Job> queued = new ArrayList<>();
        queue.drainTo(queued);
        queued.forEach(Job::cancel);
        for (Slot s : slots) {
            Job j = s.current;
            if (j != null) {
                j.cancelled = true;
                s.kill();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Slot s : slots) {
            while (s.current != null && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Job j = s.current;
            if (j != null) {
                j.cancel();
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelAll();
        for (Slot s : slots) {
            s.thread.interrupt();
            s.shutdown();
        }
        for (Slot s : slots) {
            try {
                s.thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One worker slot: a thread that feeds tasks to its worker process, replacing the process when it dies. */
    private final class Slot {
        final int index;
        final Thread thread;
        volatile Job current;
        private volatile Process process;
        private BufferedWriter stdin;
        private LinkedBlockingQueue<String> stdout;
        private final Deque<String> stderrTail = new ArrayDeque<>();
        private Thread stderrReader;
        private boolean killedOnPurpose;

        Slot(int index) {
            this.index = index;
            this.thread = new Thread(this::loop, "sublayer-worker-" + index);
            this.thread.setDaemon(true);
        }

        String name() {
            Process p = process;
            return "worker-" + index + (p == null ? "" : " pid " + p.pid());
        }

        private void loop() {
            while (!closed) {
                Job job;
                try {
                    job = queue.take();
                } catch (InterruptedException e) {
                    continue;
                }
                current = job;
                try {
                    if (!job.cancelled) {
                        job.finish(run(job));
                    }
                } catch (RuntimeException e) {
                    LOG.warn("worker {}: unexpected failure", index, e);
                    job.finish(failure(TrialStatus.FAILED, "worker pool error: " + e));
                } finally {
                    job.cancel(); // no-op when already finished
                    current = null;
                }
            }
        }

        private TrialResult run(Job job) {
            TrialTask task = job.task;
            synchronized (this) {
                try {
                    ensureWorker();
                } catch (IOException e) {
                    return failure(TrialStatus.FAILED, "cannot start a worker process: " + e.getMessage());
                }
            }
            job.callback.started(name());
            String line = WorkerProtocol.requestLine(task.request(), task.resumeFrom(), task.checkpointTo());
            try {
                stdin.write(line);
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                return died(job, "could not send the trial: " + e.getMessage());
            }
            long deadline = System.nanoTime() + (long) (task.timeoutSeconds() * 1e9);
            while (true) {
                String answer;
                try {
                    answer = stdout.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    if (closed || job.cancelled) {
                        kill();
                        discardWorker();
                        return failure(TrialStatus.FAILED, "cancelled");
                    }
                    continue;
                }
                if (answer == null) {
                    kill();
                    discardWorker();
                    return failure(TrialStatus.FAILED, String.format(Locale.ROOT,
                            "worker timed out: no result after %.0f s (the trial's time cap plus margin); killed",
                            task.timeoutSeconds()));
                }
                if (answer == EOF) {
                    return died(job, null);
                }
                if (!answer.startsWith("{")) {
                    // The protocol keeps stdout for results; stray output is logged, not fatal.
                    LOG.debug("worker {}: ignoring stdout line: {}", index, answer);
                    continue;
                }
                try {
                    return WorkerProtocol.readResultLine(answer);
                } catch (RuntimeException e) {
                    kill();
                    discardWorker();
                    return failure(TrialStatus.FAILED, "worker answered something that is not a result ("
                            + e.getMessage() + "): " + abbreviate(answer));
                }
            }
        }

        /** The result of a task whose worker process ended (or broke its pipe) before answering. */
        private TrialResult died(Job job, String detail) {
            Process p = process;
            int exit = -1;
            if (p != null) {
                try {
                    if (p.waitFor(5, TimeUnit.SECONDS)) {
                        exit = p.exitValue();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            boolean onPurpose = killedOnPurpose;
            // The last stderr lines (e.g. the OutOfMemoryError) may still be in flight after stdout closed.
            Thread errReader = stderrReader;
            if (errReader != null) {
                try {
                    errReader.join(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            discardWorker();
            if (onPurpose || job.cancelled) {
                return failure(TrialStatus.FAILED, "cancelled");
            }
            String tail;
            synchronized (stderrTail) {
                tail = stderrTail.isEmpty() ? "" : stderrTail.peekLast();
                for (String s : stderrTail) {
                    if (s.contains("OutOfMemoryError")) {
                        tail = s;
                    }
                }
            }
            String why = "exit code " + exit + (detail != null ? ", " + detail : "");
            if (tail.contains("OutOfMemoryError")) {
                return failure(TrialStatus.OUT_OF_MEMORY, "worker ran out of memory (exit code " + exit + "): "
                        + abbreviate(tail.strip()));
            }
            if (exit == 137) {
                return failure(TrialStatus.OUT_OF_MEMORY, "worker was killed by SIGKILL (exit code 137), most likely "
                        + "by the kernel's out-of-memory killer");
            }
            return failure(TrialStatus.FAILED, "worker crashed (" + why + ")" + (tail.isEmpty() ? ""
                    : "; last stderr line: " + abbreviate(tail.strip())));
        }

        void ensureWorker() throws IOException {
            if (process != null && process.isAlive() && !killedOnPurpose) {
                return;
            }
            discardWorker();
            ProcessBuilder pb = new ProcessBuilder(spec.command());
            pb.environment().putAll(spec.environment());
            pb.redirectInput(ProcessBuilder.Redirect.PIPE);
            Process p = pb.start();
            process = p;
            killedOnPurpose = false;
            stdin = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
            LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
            stdout = out;
            synchronized (stderrTail) {
                stderrTail.clear();
            }
            String who = "worker-" + index + " pid " + p.pid();
            Thread outReader = new Thread(() -> readLines(p, out), who + " stdout");
            outReader.setDaemon(true);
            outReader.start();
            Thread errReader = new Thread(() -> drainStderr(p, who), who + " stderr");
            errReader.setDaemon(true);
            errReader.start();
            stderrReader = errReader;
            LOG.debug("started {}", who);
        }

        private void readLines(Process p, LinkedBlockingQueue<String> out) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    out.add(l);
                }
            } catch (IOException e) {
                LOG.debug("worker {} stdout: {}", index, e.getMessage());
            } finally {
                out.add(EOF);
            }
        }

        private void drainStderr(Process p, String who) {
            Writer log = null;
            try {
                if (spec.logDirectory().isPresent()) {
                    Path dir = spec.logDirectory().get();
                    Files.createDirectories(dir);
                    log = Files.newBufferedWriter(dir.resolve("worker-" + index + ".log"), StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    log.write("---- " + who + " started " + java.time.Instant.now() + "\n");
                    log.flush();
                }
            } catch (IOException e) {
                LOG.debug("cannot open the log of {}: {}", who, e.getMessage());
            }
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    synchronized (stderrTail) {
                        stderrTail.addLast(l);
                        while (stderrTail.size() > STDERR_TAIL) {
                            stderrTail.removeFirst();
                        }
                    }
                    if (log != null) {
                        log.write(l);
                        log.write('\n');
                        log.flush();
                    }
                }
            } catch (IOException e) {
                LOG.debug("{} stderr: {}", who, e.getMessage());
            } finally {
                if (log != null) {
                    try {
                        log.close();
                    } catch (IOException e) {
                        LOG.debug("closing the log of {}: {}", who, e.getMessage());
                    }
                }
            }
        }

        /** Kills the worker on purpose (timeout, cancel, protocol error). */
        void kill() {
            Process p = process;
            if (p != null) {
                killedOnPurpose = true;
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }

        /** Forgets the current worker process, making sure it is gone (destroy is asynchronous). */
        private void discardWorker() {
            Process p = process;
            process = null;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Ends the worker politely: EOF on stdin makes it exit; force after a grace period. */
        void shutdown() {
            Process p = process;
            if (p == null) {
                return;
            }
            try {
                stdin.close();
            } catch (IOException e) {
                LOG.debug("closing stdin of worker {}: {}", index, e.getMessage());
            }
            try {
                if (!p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static TrialResult failure(TrialStatus status, String why) {
        return new TrialResult(status, TrialMetrics.none(), List.of(), why, Provenances.local("worker"));
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
