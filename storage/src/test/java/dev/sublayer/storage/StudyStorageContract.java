package dev.sublayer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link StudyStorage} contract, run against every implementation: a subclass says how to create a study
 * and open it again. Event texts are pinned here so that every storage logs the same.
 */
abstract class StudyStorageContract {

    @TempDir
    Path tmp;

    /** A new study in {@code dir}, open for writing. */
    abstract StudyStorage create(Path dir, StudyInfo info);

    /** The study of the closed {@code storage}, opened again for writing (a new session). */
    abstract StudyStorage reopenForWriting(StudyStorage storage);

    /** The study of the closed {@code storage}, opened again read-only. */
    abstract StudyStorage reopenReadOnly(StudyStorage storage);

    @Test
    void aNewStudyHoldsItsInfoAndTheCreatedEvent() {
        try (StudyStorage s = create(tmp.resolve("new"), Fixtures.info("new"))) {
            assertThat(s.directory()).isEqualTo(tmp.resolve("new").toAbsolutePath()).isAbsolute().isDirectory();
            assertThat(s.isReadOnly()).isFalse();
            assertThat(s.info()).isEqualTo(Fixtures.info("new"));
            assertThat(s.trials()).isEmpty();
            assertThat(s.trialCount()).isZero();
            assertThat(s.generations()).isEmpty();
            assertThat(s.lastGeneration()).isEmpty();
            assertThat(s.generationCount()).isZero();
            assertThat(s.events()).extracting(StudyEvent::type, StudyEvent::message)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("study_created",
                            "study 'new' created with seed 42"));
            assertThat(s.eventCount()).isEqualTo(1);
        }
    }

    @Test
    void everythingWrittenIsReadBackInAnotherSession() {
        Random rnd = new Random(1);
        List<TrialRecord> written = new ArrayList<>();
        List<GenerationRecord> gens = new ArrayList<>();
        StudyStorage s = create(tmp.resolve("s"), Fixtures.info("s"));
        for (int g = 0; g < 3; g++) {
            for (int i = 0; i < 4; i++) {
                TrialRecord t = Fixtures.finished(rnd, "k" + g + "-" + i, g, i % 2, 6);
                s.putTrial(t);
                written.add(t);
            }
            GenerationRecord gr = Fixtures.generation(rnd, g, 5);
            s.putGeneration(gr);
            gens.add(gr);
        }
        s.logEvent("note", "hello");
        s.updateInfo(Fixtures.info("s").withStatus("finished").withFinished(Fixtures.T0.plusSeconds(9)));
        s.close();
        try (StudyStorage r = reopenReadOnly(s)) {
            assertThat(r.isReadOnly()).isTrue();
            assertThat(r.info()).isEqualTo(Fixtures.info("s").withStatus("finished")
                    .withFinished(Fixtures.T0.plusSeconds(9)));
            assertThat(r.trials()).containsExactlyElementsOf(written);
            List<TrialRecord> visited = new ArrayList<>();
            r.forEachTrial(visited::add);
            assertThat(visited).containsExactlyElementsOf(written);
            assertThat(r.trialCount()).isEqualTo(12);
            assertThat(r.trialKeys()).containsExactlyElementsOf(written.stream().map(TrialRecord::key).toList());
            assertThat(r.trial("k1-3")).contains(written.get(7));
            assertThat(r.trial("nope")).isEmpty();
            assertThat(r.generations()).containsExactlyElementsOf(gens);
            assertThat(r.lastGeneration()).contains(gens.get(2));
            assertThat(r.generationCount()).isEqualTo(3);
            List<StudyEvent> events = r.events();
            assertThat(r.eventCount()).isEqualTo(events.size());
            assertThat(events).extracting(StudyEvent::type).startsWith("study_created").endsWith("note")
                    .isSubsetOf("study_created", "trial_finished", "trial_interrupted", "generation_done", "note");
            assertThat(events.get(events.size() - 2)).isEqualTo(new StudyEvent(gens.get(2).time(),
                    "generation_done", "generation 2: " + gens.get(2).trialsDone() + " trials done, hypervolume "
                            + gens.get(2).hypervolume() + ", best bits/byte " + gens.get(2).bestBitsPerByte()));
        }
    }

    @Test
    void storingATrialLogsItsEventInTheSameUnit() {
        Random rnd = new Random(3);
        try (StudyStorage s = create(tmp.resolve("e"), Fixtures.info("e"))) {
            TrialRecord running = Fixtures.running(rnd, "r1", 0, 1);
            s.putTrial(running);
            TrialResult failed = new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(),
                    "out of patience\nstack trace line", Fixtures.PROVENANCE);
            s.putTrial(running.finish(failed, Fixtures.T0.plusSeconds(77)));
            TrialResult ok = new TrialResult(TrialStatus.COMPLETED, Fixtures.metrics(rnd), Fixtures.curve(rnd, 3), "",
                    Fixtures.PROVENANCE);
            TrialRecord done = Fixtures.running(rnd, "r2", 0, 0).finish(ok, Fixtures.T0.plusSeconds(90));
            s.putTrial(done);
            assertThat(s.events().subList(1, 4)).containsExactly(
                    new StudyEvent(running.started(), "trial_started", "r1 A4 F512r rung 1"),
                    new StudyEvent(Fixtures.T0.plusSeconds(77), "trial_finished", "r1 failed: out of patience"),
                    new StudyEvent(Fixtures.T0.plusSeconds(90), "trial_finished", "r2 completed bits/byte "
                            + ok.metrics().validBitsPerByte()));
        }
    }

    @Test
    void upsertKeepsInsertionOrderAndQueriesFollowIt() {
        Random rnd = new Random(2);
        try (StudyStorage s = create(tmp.resolve("u"), Fixtures.info("u"))) {
            TrialRecord a = Fixtures.running(rnd, "a", 0, 0);
            TrialRecord b = Fixtures.running(rnd, "b", 1, 1);
            s.putTrial(a);
            s.putTrial(b);
            List<TrialRecord> before = s.trials();
            TrialResult done = new TrialResult(TrialStatus.COMPLETED, Fixtures.metrics(rnd), Fixtures.curve(rnd, 5), "",
                    Fixtures.PROVENANCE);
            TrialRecord aDone = a.finish(done, Fixtures.T0.plusSeconds(5000));
            s.putTrial(aDone);
            assertThat(before).as("an earlier read is not changed by a later write").containsExactly(a, b);
            assertThat(s.trials()).containsExactly(aDone, b);
            assertThat(s.trialKeys()).containsExactly("a", "b");
            assertThat(s.trials(TrialStatus.RUNNING)).containsExactly(b);
            assertThat(s.trials(TrialStatus.COMPLETED)).containsExactly(aDone);
            assertThat(s.completedAtRung(0)).containsExactly(aDone);
            assertThat(s.completedAtRung(1)).isEmpty();
            assertThat(s.trialsOfGeneration(0)).containsExactly(aDone);
            assertThat(s.trialsOfGeneration(1)).containsExactly(b);
            assertThat(s.countsByStatus()).hasSize(TrialStatus.values().length)
                    .containsEntry(TrialStatus.RUNNING, 1L).containsEntry(TrialStatus.COMPLETED, 1L)
                    .containsEntry(TrialStatus.FAILED, 0L);
        }
    }

    @Test
    void bestAndQueriesOverManyTrials() {
        Random rnd = new Random(4);
        List<TrialRecord> all = new ArrayList<>();
        try (StudyStorage s = create(tmp.resolve("q"), Fixtures.info("q"))) {
            for (int i = 0; i < 40; i++) {
                TrialRecord t = Fixtures.finished(rnd, "t" + i, i % 4 - 1, i % 3, 4);
                s.putTrial(t);
                all.add(t);
            }
            for (int g = -1; g <= 2; g++) {
                int gen = g;
                assertThat(s.trialsOfGeneration(g)).containsExactlyElementsOf(
                        all.stream().filter(t -> t.generation() == gen).toList());
            }
            for (TrialStatus st : TrialStatus.values()) {
                assertThat(s.trials(st)).containsExactlyElementsOf(all.stream().filter(t -> t.status() == st).toList());
            }
            TrialRecord best = all.stream().filter(t -> t.status() == TrialStatus.COMPLETED)
                    .min(Comparator.comparingDouble(t -> t.result().metrics().validBitsPerByte())).orElseThrow();
            assertThat(s.bestBy(TrialMetrics::validBitsPerByte)).contains(best);
            assertThat(s.best(Comparator.comparingDouble(t -> t.result().metrics().validBitsPerByte()))).contains(best);
        }
    }

    @Test
    void aGenerationStoredAgainIsReplacedAndAllAreListedByNumber() {
        Random rnd = new Random(5);
        try (StudyStorage s = create(tmp.resolve("g"), Fixtures.info("g"))) {
            GenerationRecord g2 = Fixtures.generation(rnd, 2, 3);
            GenerationRecord gMinus = Fixtures.generation(rnd, -1, 3);
            GenerationRecord g0 = Fixtures.generation(rnd, 0, 3);
            s.putGeneration(g2);
            s.putGeneration(gMinus);
            s.putGeneration(g0);
            GenerationRecord g2Again = Fixtures.generation(rnd, 2, 4);
            s.putGeneration(g2Again);
            assertThat(s.generations()).containsExactly(gMinus, g0, g2Again);
            assertThat(s.lastGeneration()).contains(g2Again);
            assertThat(s.generationCount()).isEqualTo(3);
            assertThat(s.events()).extracting(StudyEvent::type).containsExactly("study_created", "generation_done",
                    "generation_done", "generation_done", "generation_done");
        }
    }

    @Test
    void reopeningForWritingInterruptsWhatWasRunningAndLogsTheResume() {
        Random rnd = new Random(6);
        StudyStorage s = create(tmp.resolve("r"), Fixtures.info("r"));
        TrialRecord running = Fixtures.running(rnd, "still", 0, 0);
        TrialRecord finished = Fixtures.finished(rnd, "over", 0, 0, 3);
        s.putTrial(running);
        s.putTrial(finished);
        s.close();
        try (StudyStorage w = reopenForWriting(s)) {
            assertThat(w.trials()).containsExactly(running.interrupted("the process ended while the trial was running"),
                    finished);
            assertThat(w.trials(TrialStatus.RUNNING)).isEmpty();
            assertThat(w.trials(TrialStatus.INTERRUPTED)).extracting(TrialRecord::key).containsExactly("still");
            assertThat(w.events().getLast()).extracting(StudyEvent::type, StudyEvent::message)
                    .containsExactly("study_resumed", "study resumed; 1 running trial(s) marked interrupted: still");
        }
        try (StudyStorage again = reopenForWriting(s)) {
            assertThat(again.events().getLast().message()).isEqualTo("study resumed");
        }
    }

    @Test
    void oneWriterAndNoReaderBesideIt() {
        StudyStorage writer = create(tmp.resolve("w"), Fixtures.info("w"));
        assertThatThrownBy(() -> reopenForWriting(writer)).isInstanceOf(StudyInUseException.class)
                .hasMessage("study " + writer.directory() + " is in use by another process");
        assertThatThrownBy(() -> reopenReadOnly(writer)).isInstanceOf(StudyInUseException.class);
        writer.close();
        try (StudyStorage reader = reopenReadOnly(writer)) {
            assertThatThrownBy(() -> reopenForWriting(writer)).isInstanceOf(StudyInUseException.class);
            assertThat(reader.info()).isEqualTo(Fixtures.info("w"));
        }
        reopenForWriting(writer).close();
    }

    @Test
    void readOnlyRefusesEveryMutationAndClosedRefusesEveryCall() {
        Random rnd = new Random(7);
        StudyStorage s = create(tmp.resolve("ro"), Fixtures.info("ro"));
        s.close();
        s.close();
        List<Consumer<StudyStorage>> mutations = List.of(
                x -> x.putTrial(Fixtures.running(rnd, "k", 0, 0)),
                x -> x.putGeneration(Fixtures.generation(rnd, 0, 2)),
                x -> x.logEvent("a", "b"),
                x -> x.updateInfo(Fixtures.info("other")));
        try (StudyStorage r = reopenReadOnly(s)) {
            for (Consumer<StudyStorage> m : mutations) {
                assertThatThrownBy(() -> m.accept(r)).isInstanceOf(StoreException.class)
                        .hasMessage("study " + r.directory() + " was opened read-only");
            }
            assertThat(r.trialCount()).isZero();
            assertThat(r.eventCount()).isEqualTo(1);
        }
        List<Consumer<StudyStorage>> reads = List.of(StudyStorage::info, StudyStorage::trials,
                StudyStorage::generations, StudyStorage::events, StudyStorage::trialKeys, x -> x.trial("k"),
                StudyStorage::countsByStatus, StudyStorage::trialCount);
        for (Consumer<StudyStorage> call : concat(mutations, reads)) {
            assertThatThrownBy(() -> call.accept(s)).isInstanceOf(StoreException.class)
                    .hasMessage("study " + s.directory() + " is closed");
        }
        assertThat(s.directory()).isAbsolute();
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        try (StudyStorage s = create(tmp.resolve("c"), Fixtures.info("c"))) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    int worker = w;
                    futures.add(pool.submit(() -> {
                        Random rnd = new Random(worker);
                        for (int i = 0; i < 10; i++) {
                            s.putTrial(Fixtures.finished(rnd, "w" + worker + "-" + i, 0, 0, 2));
                            s.trials();
                        }
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertThat(s.trialCount()).isEqualTo(40);
            assertThat(s.trialKeys()).doesNotHaveDuplicates().hasSize(40);
            assertThat(s.eventCount()).isEqualTo(41);
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
