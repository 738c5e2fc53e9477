package dev.sublayer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.testing.SlowTest;
import dev.sublayer.trial.TrialStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM with SIGKILL at seeded random moments and checks, after every kill, that the
 * reopened store is consistent and holds everything whose storing call had returned.
 */
@SlowTest
class CrashSafetyTest {

    private static final long SEED = 20260301L;
    private static final int ROUNDS = 24;

    @TempDir
    Path tmp;

    @Test
    void aFullDiskIsNamedLosesNoReturnedCommitAndTheStudyReopensOnceSpaceIsBack() throws Exception {
        Path dir = tmp.resolve("full-study");
        Path file = StudyStore.studyFile(dir);
        StudyStore.create(dir, Fixtures.info("full")).close();
        Random rnd = new Random(SEED);
        List<String> stored = new ArrayList<>();
        try (AutoCloseable disk = FullDisk.install()) {
            try (StudyStore store = StudyStore.openForWriting(dir)) {
                for (int i = 0; i < 5; i++) {
                    store.putTrial(Fixtures.finished(rnd, "t" + i, 0, 0, 20));
                    stored.add("t" + i);
                }
                FullDisk.allow(0);
                assertThatThrownBy(() -> store.putTrial(Fixtures.finished(rnd, "t5", 0, 0, 20)))
                        .isInstanceOf(StoreException.class)
                        .hasMessageStartingWith("no space left on device: " + file + " (")
                        .hasMessageNotContaining("FileChannelImpl");
                // The failed write closed the store: every later call names the same cause.
                assertThatThrownBy(() -> store.logEvent("x", "y"))
                        .hasMessageStartingWith("no space left on device: " + file);
            }
            // Still full: reopening for writing (what resume does) names the cause, not "Self-suppression not
            // permitted" (the store's rollback rethrew the very failure its commit had thrown).
            assertThatThrownBy(() -> StudyStore.openForWriting(dir)).isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("no space left on device: " + file);
            FullDisk.free();
            try (StudyStore store = StudyStore.openForWriting(dir)) {
                assertThat(store.trials().stream().map(TrialRecord::key).toList()).isEqualTo(stored);
                store.putTrial(Fixtures.finished(rnd, "t5", 0, 0, 20));
            }
        }
        try (StudyStore store = StudyStore.openReadOnly(dir)) {
            assertThat(store.trialCount()).isEqualTo(6);
        }
    }

    @Test
    void everyReturnedCommitSurvivesSigkill() throws Exception {
        Path dir = tmp.resolve("crash-study");
        StudyStore.create(dir, Fixtures.info("crash")).close();
        Random rnd = new Random(SEED);
        Set<String> done = new HashSet<>();
        Set<Integer> gens = new HashSet<>();
        int next = 0;
        int killedWhileWriting = 0;
        int interruptedSeen = 0;
        int compactions = 0;
        for (int round = 0; round < ROUNDS; round++) {
            StudyStore.Durability durability = round % 2 == 0 ? StudyStore.Durability.SYNC
                    : StudyStore.Durability.COMMIT;
            Child child = Child.start(dir, next, SEED, durability);
            // Most kills land while trials are being written; some during start-up and the resume commit.
            boolean early = rnd.nextInt(5) == 0;
            if (!early) {
                child.awaitReady();
                if (round == 0) {
                    assertThatThrownBy(() -> StudyStore.openForWriting(dir)).isInstanceOf(StudyInUseException.class)
                            .hasMessage("study " + dir.toAbsolutePath() + " is in use by another process");
                    assertThatThrownBy(() -> StudyStore.openReadOnly(dir)).isInstanceOf(StudyInUseException.class);
                }
            }
            if (!early) {
                // On a loaded machine the first commit can come long after "ready": wait for it, so that the kill
                // lands while trials are being written however slowly the child runs.
                child.awaitFirstCommit();
            }
            Thread.sleep(early ? rnd.nextInt(400) : rnd.nextInt(250));
            child.kill();
            killedWhileWriting += child.lines().stream().anyMatch(l -> l.startsWith("done")) ? 1 : 0;

            try (StudyStore store = StudyStore.openForWriting(dir)) {
                Map<String, TrialRecord> stored = store.trials().stream()
                        .collect(Collectors.toMap(TrialRecord::key, Function.identity()));
                for (String line : child.lines()) {
                    if (line.startsWith("done ")) {
                        done.add(line.substring(5));
                    } else if (line.startsWith("gen ")) {
                        gens.add(Integer.parseInt(line.substring(4)));
                    } else if (line.startsWith("compactions ")) {
                        compactions = Math.max(compactions, Integer.parseInt(line.substring(12)));
                    }
                }
                // Everything whose commit had returned, in this round and all before, is there.
                assertThat(stored.keySet()).containsAll(done);
                for (String key : done) {
                    int i = Integer.parseInt(key.substring(1));
                    assertThat(stored.get(key)).isEqualTo(CrashWriter.trial(SEED, i)[1]);
                }
                // Nothing is left running; anything else is either finished exactly or interrupted.
                for (TrialRecord t : stored.values()) {
                    int i = Integer.parseInt(t.key().substring(1));
                    TrialRecord[] expected = CrashWriter.trial(SEED, i);
                    if (t.status() == TrialStatus.INTERRUPTED) {
                        interruptedSeen++;
                        assertThat(done).doesNotContain(t.key());
                        assertThat(t).isEqualTo(expected[0].interrupted(t.result().failure()));
                    } else {
                        assertThat(t).isEqualTo(expected[1]);
                    }
                }
                assertThat(store.trials(TrialStatus.RUNNING)).isEmpty();
                Map<Integer, GenerationRecord> storedGens = store.generations().stream()
                        .collect(Collectors.toMap(GenerationRecord::generation, Function.identity()));
                assertThat(storedGens.keySet()).containsAll(gens);
                storedGens.forEach((g, rec) -> assertThat(rec).isEqualTo(CrashWriter.generation(SEED, g)));
                assertThat(store.trialKeys()).hasSize(stored.size());
                // The next child goes on after the last stored trial (as a resumed search would).
                next = stored.keySet().stream().mapToInt(k -> Integer.parseInt(k.substring(1))).max().orElse(-1) + 1;
            }
        }
        assertThat(killedWhileWriting).as("kills that landed while trials were being written")
                .isGreaterThanOrEqualTo(ROUNDS / 2);
        assertThat(done).hasSizeGreaterThan(ROUNDS);
        assertThat(interruptedSeen).as("trials caught running by a kill").isPositive();
        assertThat(compactions).as("chunk compactions that ran in a child before a kill").isPositive();
        LogManager.getLogger(CrashSafetyTest.class).info("{} kills, {} while writing; {} trials committed, {} "
                + "interrupted trial sightings, up to {} compactions in one child", ROUNDS, killedWhileWriting,
                done.size(), interruptedSeen, compactions);
    }

    /** A child JVM running {@link CrashWriter}, with its stdout collected line by line. */
    private record Child(Process process, List<String> output, Thread reader) {

        static Child start(Path dir, int first, long seed, StudyStore.Durability durability) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
                    System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString(),
                    Integer.toString(first), Long.toString(seed), durability.name())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the pipe closes when the child is killed
                }
            });
            t.setDaemon(true);
            t.start();
            return new Child(p, lines, t);
        }

        void awaitReady() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!output.contains("ready")) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("child did not start: exit " + (process.isAlive() ? "none"
                            : process.exitValue()) + ", output " + output);
                }
                Thread.sleep(5);
            }
        }

        void awaitFirstCommit() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (lines().stream().noneMatch(l -> l.startsWith("done"))) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("child committed no trial: exit " + (process.isAlive() ? "none"
                            : process.exitValue()) + ", output " + output);
                }
                Thread.sleep(2);
            }
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            reader.join(5_000);
        }

        List<String> lines() {
            synchronized (output) {
                return List.copyOf(output);
            }
        }
    }
}
