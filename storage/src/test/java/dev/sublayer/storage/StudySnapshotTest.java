package dev.sublayer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.testing.SlowTest;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running study read from the snapshot its writer publishes. */
class StudySnapshotTest {

    @TempDir
    Path tmp;

    @Test
    @SlowTest
    void aRunningStudyIsReadFromItsSnapshotAndAStoppedOneFromItsStore() throws Exception {
        Random rnd = new Random(5);
        Path dir = tmp.resolve("study");
        Path snapshot = dir.resolve(StudySnapshot.FILE_NAME);
        try (StudyStore w = StudyStore.create(dir, Fixtures.info("live"))) {
            TrialRecord first = Fixtures.finished(rnd, "k0", 0, 0, 5);
            w.putTrial(first);
            // The writer still refuses plain read-only opens: only openForReading falls back to the snapshot.
            assertThatThrownBy(() -> StudyStore.openReadOnly(dir)).isInstanceOf(StudyInUseException.class);
            await(() -> trialCountRead(dir) == 1);
            Instant before = Instant.now();
            TrialRecord second = Fixtures.finished(rnd, "k1", 0, 1, 5);
            w.putTrial(second);
            w.logEvent("note", "after the second trial");
            await(() -> trialCountRead(dir) == 2);
            try (StudyStore r = StudyStore.openForReading(dir)) {
                assertThat(r.isReadOnly()).isTrue();
                assertThat(r.snapshotTime()).hasValueSatisfying(t -> assertThat(t).isAfterOrEqualTo(before)
                        .isBeforeOrEqualTo(Instant.now()));
                assertThat(r.info()).isEqualTo(Fixtures.info("live"));
                assertThat(r.trials()).containsExactly(first, second);
                assertThat(r.events()).extracting(StudyEvent::type).endsWith("note");
                assertThat(r.fileSize()).isEqualTo(Files.size(dir.resolve(StudyStore.FILE_NAME)));
                assertThatThrownBy(() -> r.logEvent("x", "y")).isInstanceOf(StoreException.class)
                        .hasMessageContaining("read-only");
                // The writer goes on while a reader has the snapshot open.
                w.putTrial(Fixtures.finished(rnd, "k2", 0, 0, 5));
            }
        }
        assertThat(snapshot).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(StudyStore.FILE_NAME);
        }
        try (StudyStore r = StudyStore.openForReading(dir)) {
            assertThat(r.snapshotTime()).isEmpty();
            assertThat(r.trialCount()).isEqualTo(3);
        }
    }

    @Test
    @SlowTest
    void aWriterWithoutASnapshotIsInUseWithTheReason() throws Exception {
        Path dir = tmp.resolve("study");
        try (StudyStore w = StudyStore.create(dir, Fixtures.info("live"))) {
            Path snapshot = dir.resolve(StudySnapshot.FILE_NAME);
            await(() -> Files.exists(snapshot));
            Thread.sleep(100); // let the first publication finish before the snapshot goes
            Files.delete(snapshot); // nothing changes after this, so nothing is published again
            assertThatThrownBy(() -> StudyStore.openForReading(dir)).isInstanceOf(StudyInUseException.class)
                    .hasMessage("study " + dir.toAbsolutePath().normalize() + " is in use by another process, which "
                            + "has published no snapshot for readers (yet): try again in a few seconds");
            w.logEvent("note", "a change is published again");
            await(() -> Files.exists(snapshot));
        }
    }

    @Test
    @SlowTest
    void readersSeeConsistentGrowingStatesWhileTrialsFinish() throws Exception {
        Random rnd = new Random(6);
        Path dir = tmp.resolve("study");
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        List<Thread> readers = new ArrayList<>();
        int[] reads = new int[3];
        try (StudyStore w = StudyStore.create(dir, Fixtures.info("live"), StudyStore.Durability.COMMIT)) {
            for (int i = 0; i < reads.length; i++) {
                int me = i;
                Thread t = new Thread(() -> {
                    long lastTrials = 0;
                    while (writing.get()) {
                        try (StudyStore r = StudyStore.openForReading(dir)) {
                            long trials = r.trialCount();
                            long running = r.trials(TrialStatus.RUNNING).size();
                            // Each trial was stored running, then finished, each with its event, in one commit:
                            // a consistent state has exactly one event per store call.
                            long events = r.eventCount();
                            if (events != 1 + trials + (trials - running) + r.generationCount()) {
                                problems.add("inconsistent snapshot: " + trials + " trials, " + running
                                        + " running, " + events + " events");
                            }
                            if (trials < lastTrials) {
                                problems.add("went back from " + lastTrials + " to " + trials + " trials");
                            }
                            lastTrials = trials;
                            reads[me]++;
                        } catch (StudyInUseException e) {
                            // only before the first snapshot
                            if (lastTrials > 0) {
                                problems.add("reader refused after a snapshot: " + e.getMessage());
                            }
                        } catch (RuntimeException e) {
                            problems.add(e.toString());
                        }
                    }
                }, "reader-" + i);
                t.start();
                readers.add(t);
            }
            for (int i = 0; i < 60; i++) {
                TrialRecord t = Fixtures.finished(rnd, "k" + i, i / 10, 0, 20);
                w.putTrial(Fixtures.running(rnd, "k" + i, i / 10, 0));
                Thread.sleep(20);
                w.putTrial(t);
                if (i % 10 == 9) {
                    w.putGeneration(Fixtures.generation(rnd, i / 10, 4));
                }
            }
            Thread.sleep(StudySnapshot.MIN_INTERVAL.toMillis() + 500); // let the readers see the last snapshot
        } finally {
            writing.set(false);
            for (Thread t : readers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(java.util.Arrays.stream(reads).min().orElseThrow()).isGreaterThan(1);
    }

    private static long trialCountRead(Path dir) {
        try (StudyStore r = StudyStore.openForReading(dir)) {
            return r.trialCount();
        } catch (StudyInUseException e) {
            return -1;
        }
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 20 s");
            }
            Thread.sleep(50);
        }
    }
}
