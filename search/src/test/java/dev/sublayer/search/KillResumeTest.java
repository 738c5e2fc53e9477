package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.exec.InProcessExecutor;
import dev.sublayer.search.exec.StubWorkerMain;
import dev.sublayer.search.exec.WorkerPoolExecutor;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.FailureCause;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.sublayer.testing.SlowTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact-resume guarantee, for real: a search JVM is killed with SIGKILL at seeded random moments and
 * restarted each time, or the disk fills mid-study and is freed; the study it finally completes equals one run
 * without interruption. (Workers killed from outside: {@code WorkerPoolExecutorTest}.)
 */
@SlowTest
class KillResumeTest {

    @TempDir
    Path tmp;

    @Test
    void killedWithSigkillAtRandomMomentsThenResumedEqualsUninterrupted() throws Exception {
        String yaml = TestStudies.yaml("nsga2", 42, 30, "");
        Path config = tmp.resolve("study.yaml");
        Files.writeString(config, yaml);
        TestStudies.open(yaml, tmp.resolve("straight"), TestStudies.stub(new StubEngine.Counters(), 0))
                .run(SearchListener.NONE);

        Path dir = tmp.resolve("killed");
        Random random = new Random(20261127);
        int killsMidStudy = 0;
        int exit = -1;
        for (int attempt = 0; attempt < 12 && exit != 0; attempt++) {
            Process p = start(config, dir);
            // The kill moment counts from the first sign of a running study, not from JVM start: on a loaded
            // machine start-up alone can outlast any fixed delay, and the kills would miss the study.
            long killAfterMs = random.nextInt(1500);
            if (attempt < 5 && studyVisible(p, dir) && !p.waitFor(killAfterMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(10, TimeUnit.SECONDS);
                if (Files.exists(StudyStore.studyFile(dir))) {
                    try (StudyStore s = StudyStore.openReadOnly(dir)) {
                        if (!"finished".equals(s.info().status())) {
                            killsMidStudy++;
                        }
                    }
                }
                continue;
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("search finishes").isTrue();
            exit = p.exitValue();
        }
        assertThat(exit).as("final session exit code (see " + tmp.resolve("search.log") + ")").isZero();
        assertThat(killsMidStudy).as("kills that hit a running study").isGreaterThanOrEqualTo(3);
        SearchTest.assertSame(SearchTest.Final.of(dir), SearchTest.Final.of(tmp.resolve("straight")));
    }

    /**
     * The disk fills mid-study: the trial whose checkpoint cannot be written stops the session as a fault, is kept
     * as interrupted (not as its candidate's failure), a resume on the still-full disk stops the same way, and once
     * space is freed the study resumes to exactly what an uninterrupted run reaches, with no partial checkpoint left.
     * The full disk is a seam: an engine whose checkpoint stream fails as a full disk fails it.
     */
    @Test
    void aFullDiskStopsTheStudyKeepsTheTrialAndOnceSpaceIsFreedItResumesToTheUninterruptedResult() throws Exception {
        String yaml = TestStudies.yaml("nsga2", 42, 30, "");
        TestStudies.open(yaml, tmp.resolve("straight"), TestStudies.stub(new StubEngine.Counters(), 0))
                .run(SearchListener.NONE);

        Path dir = tmp.resolve("full");
        AtomicBoolean full = new AtomicBoolean();
        AtomicInteger checkpoints = new AtomicInteger();
        Search.ExecutorFactory disk = context -> new InProcessExecutor(context.config().workers().count(),
                () -> new Engine() {
                    private final StubEngine stub = new StubEngine(0, new StubEngine.Counters());

                    @Override
                    public String name() {
                        return stub.name();
                    }

                    @Override
                    public TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom,
                                             Optional<Path> checkpointTo) {
                        if (checkpointTo.isPresent() && (full.get() || checkpoints.incrementAndGet() == 9)) {
                            full.set(true);
                            // What a stream writing to a full disk throws: the system's words, no path.
                            throw new UncheckedIOException(new IOException("No space left on device"));
                        }
                        return stub.train(request, listener, resumeFrom, checkpointTo);
                    }
                });
        SearchOutcome first = TestStudies.open(yaml, dir, disk).run(SearchListener.NONE);
        assertThat(first.state()).isEqualTo(SearchOutcome.State.FAULTED);
        assertThat(first.reason()).startsWith("no space left on device (trial ");
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            List<TrialRecord> cut = s.trials().stream()
                    .filter(t -> t.result().cause() == FailureCause.INFRASTRUCTURE).toList();
            assertThat(cut).isNotEmpty().allSatisfy(t -> {
                assertThat(t.status()).isEqualTo(TrialStatus.INTERRUPTED);
                assertThat(t.result().failure()).isEqualTo("no space left on device");
            });
            assertThat(s.trials()).noneSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.FAILED));
        }

        SearchOutcome stillFull = Search.resume(dir, w -> w, disk).run(SearchListener.NONE);
        assertThat(stillFull.state()).isEqualTo(SearchOutcome.State.FAULTED);

        // What a killed worker or the full disk left beside the checkpoints.
        Path ckpts = dir.resolve("checkpoints");
        Files.createDirectories(ckpts);
        Path partial = Files.writeString(ckpts.resolve("k.ckpt.partial"), "half");
        Path tmpFile = Files.writeString(ckpts.resolve(".k.ckpt.partial.4242.tmp"), "half");

        full.set(false);
        checkpoints.set(Integer.MIN_VALUE); // space is freed for good
        SearchOutcome last = Search.resume(dir, w -> w, disk).run(SearchListener.NONE);
        assertThat(last.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(partial).doesNotExist();
        assertThat(tmpFile).doesNotExist();
        SearchTest.assertSame(SearchTest.Final.of(dir), SearchTest.Final.of(tmp.resolve("straight")));
    }

    /**
     * Worker processes killed from outside mid-study ({@code kill -9}): each trial they were training runs once more
     * on a fresh worker, no trial is recorded as failed, and the study equals an uninterrupted one.
     */
    @Test
    void workersKilledFromOutsideMidStudyLeaveTheStudyAsAnUninterruptedRunLeavesIt() throws Exception {
        String yaml = TestStudies.yaml("nsga2", 42, 30, "");
        TestStudies.open(yaml, tmp.resolve("straight"), TestStudies.stub(new StubEngine.Counters(), 0))
                .run(SearchListener.NONE);

        Path dir = tmp.resolve("killed-workers");
        Search.ExecutorFactory workers = context -> new WorkerPoolExecutor(2, WorkerPoolExecutor.javaWorker(
                StubWorkerMain.class.getName(), List.of("20"), "64m", 1, Optional.empty()));
        // The trials running now, by key, with the worker that trains them ("worker-1 pid 1234").
        Map<String, String> running = new ConcurrentHashMap<>();
        Set<String> finished = ConcurrentHashMap.newKeySet();
        SearchListener watch = new SearchListener() {
            @Override
            public void trialStarted(TrialRecord trial) {
                running.put(trial.key(), trial.worker());
            }

            @Override
            public void trialFinished(TrialProgress progress, StudyStorage store) {
                running.remove(progress.trial().key());
                finished.add(progress.trial().key());
            }
        };
        List<String> killed = new ArrayList<>();
        Thread killer = new Thread(() -> {
            Random random = new Random(20261203);
            try {
                while (killed.size() < 2) {
                    Thread.sleep(300 + random.nextInt(500));
                    // A worker mid-trial, killed from outside the pool (SIGKILL, as kill -9); then nothing more until
                    // that trial is done, so its retry on a fresh worker is left alone.
                    var target = running.entrySet().stream().filter(e -> !killed.contains(e.getKey())).findFirst();
                    if (target.isEmpty()) {
                        continue;
                    }
                    String worker = target.get().getValue();
                    ProcessHandle.of(Long.parseLong(worker.substring(worker.indexOf("pid ") + 4)))
                            .ifPresent(ProcessHandle::destroyForcibly);
                    killed.add(target.get().getKey());
                    while (!finished.contains(target.get().getKey())) {
                        Thread.sleep(20);
                    }
                }
            } catch (InterruptedException e) {
                // the study ended first
            }
        }, "worker-killer");
        killer.start();
        SearchOutcome o;
        try {
            o = TestStudies.open(yaml, dir, workers).run(watch);
        } finally {
            killer.interrupt();
            killer.join();
        }
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(killed).as("trials whose worker was killed mid-trial").isNotEmpty();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trials()).allSatisfy(t -> assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED));
        }
        SearchTest.assertSame(SearchTest.Final.of(dir), SearchTest.Final.of(tmp.resolve("straight")));
    }

    /** Waits until {@code dir} holds a store or the process ends; whether the store appeared while it ran. */
    private static boolean studyVisible(Process p, Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(StudyStore.studyFile(dir))) {
                return true;
            }
            Thread.sleep(20);
        }
        return p.isAlive();
    }

    private Process start(Path config, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SearchMain.class.getName());
        cmd.add(config.toString());
        cmd.add(dir.toString());
        cmd.add("1.5");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("search.log").toFile()));
        return pb.start();
    }
}
