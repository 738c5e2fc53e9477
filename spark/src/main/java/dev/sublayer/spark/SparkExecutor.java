package dev.sublayer.spark;

import dev.sublayer.evaluator.worker.WorkerProtocol;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.search.exec.TrialCallback;
import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.search.exec.TrialTask;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Runs trials on Apache Spark: each trial is a Spark job of one task ({@link TrialOnExecutor}), which runs the
 * trial in a worker process on an executor and returns its result line. The search process is the Spark driver
 * and stays the only writer of the study store: it hears each result here, once per job whatever Spark retried
 * (a task is retried only when its executor was lost, at most {@code spark.task.maxFailures} times), and passes
 * it to the callback exactly once. A job that fails for good ends its trial {@code FAILED} with Spark's reason.
 *
 * <p>Jobs are submitted as they come; Spark's scheduler runs them as executor cores (and GPUs, with
 * {@code spark.task.resource.gpu.amount}) allow. {@link #slots()} is the number of trials the study plans to run
 * at once ({@code workers.count}), used for warnings and the utilisation.
 */
public final class SparkExecutor implements TrialExecutor {

    private static final Logger LOG = LogManager.getLogger(SparkExecutor.class);
    private static final String GROUP = "sublayer-trial-";

    private final JavaSparkContext spark;
    private final TrialOnExecutor body;
    private final int slots;
    private final boolean sharedFilesystem;
    private final ExecutorService waiters = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sublayer-spark-job");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<Integer, Job> byStage = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean closed;

    /** One submitted trial: its callback hears one start at most and exactly one end. */
    private static final class Job {
        final String group;
        final TrialCallback callback;
        final AtomicBoolean started = new AtomicBoolean();
        final AtomicBoolean done = new AtomicBoolean();

        Job(String group, TrialCallback callback) {
            this.group = group;
            this.callback = callback;
        }

        void start(String where) {
            if (!done.get() && started.compareAndSet(false, true)) {
                callback.started(where);
            }
        }

        void finish(TrialResult result) {
            if (done.compareAndSet(false, true)) {
                callback.finished(result);
            }
        }

        void cancel() {
            if (done.compareAndSet(false, true)) {
                callback.cancelled();
            }
        }
    }

    /**
     * An executor on a Spark context started with {@code conf} (master, app name and the settings the trials need).
     *
     * @param conf  the Spark configuration
     * @param body  what each task runs
     * @param slots trials the study runs at once
     */
    SparkExecutor(SparkConf conf, TrialOnExecutor body, int slots) {
        this(conf, body, slots, true);
    }

    /**
     * An executor as above; without a shared filesystem ({@code sharedFilesystem} false) the checkpoints a trial
     * continues from and writes travel with its task and its result.
     */
    SparkExecutor(SparkConf conf, TrialOnExecutor body, int slots, boolean sharedFilesystem) {
        this.sharedFilesystem = sharedFilesystem;
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1, got " + slots);
        }
        this.body = Objects.requireNonNull(body, "body");
        this.slots = slots;
        this.spark = new JavaSparkContext(conf);
        spark.sc().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                String group = start.properties() == null ? null
                        : start.properties().getProperty("spark.jobGroup.id");
                Job job = group == null ? null : jobs.get(group);
                if (job != null) {
                    scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds())
                            .forEach(stage -> byStage.put((Integer) stage, job));
                }
            }

            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                Job job = byStage.get(start.stageId());
                if (job != null) {
                    job.start("spark executor " + start.taskInfo().executorId() + " on " + start.taskInfo().host());
                }
            }
        });
    }

    /** The Spark context (tests). */
    JavaSparkContext context() {
        return spark;
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public String describe() {
        return "spark " + spark.master() + ", " + slots + " trial" + (slots == 1 ? "" : "s") + " at once x "
                + body.threads() + " thread" + (body.threads() == 1 ? "" : "s");
    }

    @Override
    public void submit(TrialTask task, TrialCallback callback) {
        String group = GROUP + sequence.incrementAndGet();
        Job job = new Job(group, callback);
        if (closed) {
            job.cancel();
            return;
        }
        jobs.put(group, job);
        String line = WorkerProtocol.requestLine(task.request(), task.resumeFrom(), task.checkpointTo());
        TrialPayload payload;
        try {
            payload = payload(line, task);
        } catch (IOException | IllegalArgumentException e) {
            jobs.remove(group);
            job.finish(failed(e.getMessage()));
            return;
        }
        TrialOnExecutor withTimeout = new TrialOnExecutor(body.workerMainClass(), body.workerArgs(), body.heap(),
                body.threads(), body.environment(), body.perDevice(), task.timeoutSeconds());
        waiters.execute(() -> {
            try {
                if (job.done.get()) {
                    return; // cancelled before Spark saw it
                }
                spark.setJobGroup(group, task.key(), true);
                TrialPayload.Answer answer = spark.parallelize(List.of(payload), 1).map(withTimeout).collect()
                        .getFirst();
                job.start(answer.where()); // unless the listener, which may hear of the start late, was first
                if (answer.checkpoint() != null && task.checkpointTo().isPresent()) {
                    try {
                        java.nio.file.Path to = task.checkpointTo().get();
                        Files.createDirectories(to.toAbsolutePath().getParent());
                        Files.write(to, answer.checkpoint());
                    } catch (IOException e) {
                        job.finish(failed("cannot store the checkpoint that came back from the executor: " + e));
                        return;
                    }
                }
                job.finish(WorkerProtocol.readResultLine(answer.resultLine()));
            } catch (Exception e) { // Spark throws its checked SparkException undeclared
                if (closed || job.done.get()) {
                    job.cancel();
                } else {
                    LOG.info("spark job for trial {} failed: {}", task.key(), e.getMessage());
                    job.finish(failed("spark: " + firstLine(e.getMessage())));
                }
            } finally {
                jobs.remove(group);
            }
        });
    }

    /** The task's payload: the checkpoint's bytes travel with it unless the executors share the driver's files. */
    private TrialPayload payload(String line, TrialTask task) throws IOException {
        if (sharedFilesystem) {
            return new TrialPayload(line, null, false);
        }
        byte[] checkpoint = null;
        if (task.resumeFrom().isPresent()) {
            long size = Files.size(task.resumeFrom().get());
            if (size > TrialOnExecutor.MAX_TRAVELLING_CHECKPOINT_BYTES) {
                throw new IllegalArgumentException(tooLarge(size));
            }
            checkpoint = Files.readAllBytes(task.resumeFrom().get());
        }
        return new TrialPayload(line, checkpoint, task.checkpointTo().isPresent());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "job failed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The failure of a trial whose checkpoint is too large to travel with a task. */
    static String tooLarge(long bytes) {
        return String.format(java.util.Locale.ROOT, "checkpoint of %.1f MB exceeds the %d MB that travel with a "
                + "Spark task; put the study directory on a filesystem every executor sees at the same path and set "
                + "workers.spark.shared_filesystem: true", bytes / 1048576.0,
                TrialOnExecutor.MAX_TRAVELLING_CHECKPOINT_BYTES >> 20);
    }

    static TrialResult failed(String why) {
        return new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(), why, Provenances.local("worker"));
    }

    @Override
    public void cancelAll() {
        List<Job> open = List.copyOf(jobs.values());
        open.forEach(Job::cancel);
        for (Job j : open) {
            spark.cancelJobGroup(j.group);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelAll();
        waiters.shutdown();
        try {
            waiters.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spark.stop();
        TrialOnExecutor.closePools();
    }
}
