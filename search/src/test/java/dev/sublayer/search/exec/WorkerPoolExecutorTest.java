package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.search.StubEngine;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.testing.SlowTest;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.FailureCause;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SlowTest
class WorkerPoolExecutorTest {

    @TempDir
    Path tmp;

    /** What a callback heard. */
    record Heard(String worker, TrialResult result, boolean cancelled) {
    }

    private static TrialTask task(String notation, double timeoutSeconds) {
        Architecture a = Notation.parse(notation, 32, 16, dev.sublayer.space.NormPlacement.PRE);
        return new TrialTask(a.id(), new TrialRequest(a, DataConfig.defaults().withBatchSize(2),
                TrainingConfig.defaults(), Budget.steps(30), 5), Optional.empty(), Optional.empty(), timeoutSeconds);
    }

    private static CompletableFuture<Heard> submit(TrialExecutor pool, TrialTask task) {
        CompletableFuture<Heard> f = new CompletableFuture<>();
        String[] worker = new String[1];
        pool.submit(task, new TrialCallback() {
            @Override
            public void started(String w) {
                worker[0] = w;
            }

            @Override
            public void finished(TrialResult result) {
                f.complete(new Heard(worker[0], result, false));
            }

            @Override
            public void cancelled() {
                f.complete(new Heard(worker[0], null, true));
            }
        });
        return f;
    }

    private WorkerPoolExecutor pool(int workers) {
        return new WorkerPoolExecutor(workers, WorkerPoolExecutor.javaWorker(StubWorkerMain.class.getName(), List.of(),
                "64m", 1, Optional.of(tmp.resolve("logs"))));
    }

    @Test
    void trainsAndSurvivesCrashHangAndOutOfMemoryReplacingTheWorker() throws Exception {
        try (WorkerPoolExecutor pool = pool(1)) {
            Heard ok = submit(pool, task("A2 F64", 60)).get(60, TimeUnit.SECONDS);
            assertThat(ok.result().status()).isEqualTo(TrialStatus.COMPLETED);
            TrialRequest req = task("A2 F64", 60).request();
            assertThat(ok.result()).isEqualTo(withProvenance(StubEngine.result(req, 30), ok.result()));

            Heard crash = submit(pool, task("A2 F13", 60)).get(60, TimeUnit.SECONDS);
            assertThat(crash.result().status()).isEqualTo(TrialStatus.FAILED);
            assertThat(crash.result().failure()).contains("worker crashed", "exit code 7", "crashing on purpose");

            Heard afterCrash = submit(pool, task("A2 F64 F64", 60)).get(60, TimeUnit.SECONDS);
            assertThat(afterCrash.result().status()).isEqualTo(TrialStatus.COMPLETED);
            assertThat(afterCrash.worker()).isNotEqualTo(ok.worker()); // a fresh process (new pid)

            Heard hang = submit(pool, task("A2 F17", 3)).get(60, TimeUnit.SECONDS);
            assertThat(hang.result().status()).isEqualTo(TrialStatus.FAILED);
            assertThat(hang.result().failure()).contains("timed out", "3 s");

            Heard oom = submit(pool, task("A2 F19", 60)).get(60, TimeUnit.SECONDS);
            assertThat(oom.result().status()).as(oom.result().failure()).isEqualTo(TrialStatus.OUT_OF_MEMORY);
            assertThat(oom.result().failure()).contains("OutOfMemoryError");

            Heard stray = submit(pool, task("A2 F23", 60)).get(60, TimeUnit.SECONDS);
            assertThat(stray.result().status()).isEqualTo(TrialStatus.COMPLETED);
        }
        String log = Files.readString(tmp.resolve("logs").resolve("worker-1.log"));
        assertThat(log).contains("stub worker: training A2 F64", "crashing on purpose");
    }

    @Test
    void progressLinesOfAWorkerReachTheCallbackInOrderBeforeTheResult() throws Exception {
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<TrialResult> done = new CompletableFuture<>();
        try (WorkerPoolExecutor pool = pool(1)) {
            pool.submit(task("A2 F64", 60), new TrialCallback() {
                @Override
                public void started(String worker) {
                    heard.add("started");
                }

                @Override
                public void progress(TrialStep step) {
                    heard.add("step " + step.step() + "/" + step.maxSteps());
                }

                @Override
                public void finished(TrialResult result) {
                    heard.add("finished");
                    done.complete(result);
                }

                @Override
                public void cancelled() {
                    done.cancel(false);
                }
            });
            assertThat(done.get(60, TimeUnit.SECONDS).status()).isEqualTo(TrialStatus.COMPLETED);
        }
        assertThat(heard).containsExactly("started", "step 6/30", "step 12/30", "step 18/30", "step 24/30",
                "step 30/30", "finished");
    }

    /** A task's callbacks as they come: every worker that started it, then its result. */
    private static final class Watched implements TrialCallback {
        final LinkedBlockingQueue<String> starts = new LinkedBlockingQueue<>();
        final CompletableFuture<TrialResult> result = new CompletableFuture<>();

        @Override
        public void started(String worker) {
            starts.add(worker);
        }

        @Override
        public void finished(TrialResult r) {
            result.complete(r);
        }

        @Override
        public void cancelled() {
            result.completeExceptionally(new IllegalStateException("cancelled"));
        }

        /** Kills the worker that started the task next, from outside the pool (SIGKILL, as kill -9 does). */
        void killNextWorker() throws InterruptedException {
            String worker = starts.poll(60, TimeUnit.SECONDS);
            assertThat(worker).as("a worker started the task").isNotNull();
            long pid = Long.parseLong(worker.substring(worker.indexOf("pid ") + 4));
            Thread.sleep(300); // into the trial, not its start
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        }
    }

    @Test
    void aWorkerKilledFromOutsideIsRetriedOnceAndASecondKillFailsTheTrial() throws Exception {
        // Trials of 30 steps at 100 ms a step: time to kill their worker mid-trial.
        try (WorkerPoolExecutor pool = new WorkerPoolExecutor(1, WorkerPoolExecutor.javaWorker(
                StubWorkerMain.class.getName(), List.of("100"), "64m", 1, Optional.of(tmp.resolve("logs"))))) {
            TrialTask once = task("A2 F64", 60);
            Watched killedOnce = new Watched();
            pool.submit(once, killedOnce);
            killedOnce.killNextWorker();
            TrialResult r = killedOnce.result.get(60, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.failure()).isEqualTo(TrialStatus.COMPLETED);
            assertThat(r).isEqualTo(withProvenance(StubEngine.result(once.request(), 30), r));
            assertThat(killedOnce.starts).as("the retry's worker").hasSize(1);

            Watched killedTwice = new Watched();
            pool.submit(task("A4 F64", 60), killedTwice);
            killedTwice.killNextWorker();
            killedTwice.killNextWorker();
            TrialResult twice = killedTwice.result.get(60, TimeUnit.SECONDS);
            assertThat(twice.status()).isEqualTo(TrialStatus.FAILED);
            assertThat(twice.cause()).isEqualTo(FailureCause.CANDIDATE);
            assertThat(twice.failure()).startsWith("worker killed (signal 9), also when retried on a fresh worker");
            assertThat(twice.failure()).doesNotContainIgnoringCase("memory (exit");

            Watched after = new Watched();
            pool.submit(task("A2 F64 F64", 60), after);
            assertThat(after.result.get(60, TimeUnit.SECONDS).status()).isEqualTo(TrialStatus.COMPLETED);
        }
    }

    @Test
    void cancelAllEndsRunningAndQueuedTasksAsCancelled() throws Exception {
        try (WorkerPoolExecutor pool = pool(1)) {
            CompletableFuture<Heard> running = submit(pool, task("A2 F17", 600));
            CompletableFuture<Heard> queued = submit(pool, task("A2 F64", 600));
            Thread.sleep(1500);
            pool.cancelAll();
            assertThat(running.get(5, TimeUnit.SECONDS).cancelled()).isTrue();
            assertThat(queued.get(5, TimeUnit.SECONDS).cancelled()).isTrue();
            // The pool stays usable.
            assertThat(submit(pool, task("A4 F64", 60)).get(60, TimeUnit.SECONDS).result().status())
                    .isEqualTo(TrialStatus.COMPLETED);
        }
    }

    private static TrialResult withProvenance(TrialResult r, TrialResult from) {
        return new TrialResult(r.status(), r.metrics(), r.curve(), r.failure(), from.provenance());
    }
}
