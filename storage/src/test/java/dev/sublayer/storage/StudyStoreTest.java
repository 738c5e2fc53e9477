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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyStoreTest {

    @TempDir
    Path tmp;

    @Test
    void everythingWrittenIsReadBackAfterReopen() {
        Random rnd = new Random(1);
        Path dir = tmp.resolve("study");
        List<TrialRecord> written = new ArrayList<>();
        List<GenerationRecord> gens = new ArrayList<>();
        try (StudyStore s = StudyStore.create(dir, Fixtures.info("s1"))) {
            for (int g = 0; g < 3; g++) {
                for (int i = 0; i < 5; i++) {
                    TrialRecord t = Fixtures.finished(rnd, "k" + g + "-" + i, g, i % 2, 10);
                    s.putTrial(t);
                    written.add(t);
                }
                GenerationRecord gr = Fixtures.generation(rnd, g, 6);
                s.putGeneration(gr);
                gens.add(gr);
            }
            s.logEvent("note", "hello");
            assertThat(s.trials()).containsExactlyElementsOf(written);
        }
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.info()).isEqualTo(Fixtures.info("s1"));
            assertThat(s.schemaVersion()).isEqualTo(StudyStore.SCHEMA_VERSION);
            assertThat(s.trials()).containsExactlyElementsOf(written);
            assertThat(s.trialCount()).isEqualTo(15);
            assertThat(s.generations()).containsExactlyElementsOf(gens);
            assertThat(s.lastGeneration()).contains(gens.get(2));
            assertThat(s.trial("k1-3")).contains(written.get(8));
            assertThat(s.trial("nope")).isEmpty();
            assertThat(s.events()).extracting(StudyEvent::type)
                    .startsWith("study_created", "trial_finished").contains("generation_done").endsWith("note");
        }
    }

    @Test
    void upsertKeepsInsertionOrderAndMovesIndexes() {
        Random rnd = new Random(2);
        try (StudyStore s = StudyStore.create(tmp.resolve("s"), Fixtures.info("s"))) {
            TrialRecord a = Fixtures.running(rnd, "a", 0, 0);
            TrialRecord b = Fixtures.running(rnd, "b", 0, 1);
            s.putTrial(a);
            s.putTrial(b);
            assertThat(s.trials(TrialStatus.RUNNING)).containsExactly(a, b);
            TrialResult done = new TrialResult(TrialStatus.COMPLETED, Fixtures.metrics(rnd), Fixtures.curve(rnd, 5), "",
                    Fixtures.PROVENANCE);
            TrialRecord aDone = a.finish(done, Fixtures.T0.plusSeconds(5000));
            s.putTrial(aDone);
            assertThat(s.trials()).containsExactly(aDone, b);
            assertThat(s.trials(TrialStatus.RUNNING)).containsExactly(b);
            assertThat(s.trials(TrialStatus.COMPLETED)).containsExactly(aDone);
            assertThat(s.completedAtRung(0)).containsExactly(aDone);
            assertThat(s.completedAtRung(1)).isEmpty();
            assertThat(s.trialsOfGeneration(0)).containsExactly(aDone, b);
            assertThat(s.countsByStatus()).containsEntry(TrialStatus.RUNNING, 1L)
                    .containsEntry(TrialStatus.COMPLETED, 1L).containsEntry(TrialStatus.FAILED, 0L);
        }
    }

    @Test
    void queriesByGenerationRungAndBest() {
        Random rnd = new Random(4);
        List<TrialRecord> all = new ArrayList<>();
        try (StudyStore s = StudyStore.create(tmp.resolve("q"), Fixtures.info("q"))) {
            for (int i = 0; i < 60; i++) {
                int gen = i % 4 - 1; // -1 (outside the loop) .. 2
                TrialRecord t = Fixtures.finished(rnd, "t" + i, gen, i % 3, 4);
                s.putTrial(t);
                all.add(t);
            }
            for (int gen = -1; gen <= 2; gen++) {
                int g = gen;
                assertThat(s.trialsOfGeneration(g)).containsExactlyElementsOf(
                        all.stream().filter(t -> t.generation() == g).toList());
            }
            for (int rung = 0; rung < 3; rung++) {
                int r = rung;
                assertThat(s.completedAtRung(r)).containsExactlyElementsOf(all.stream()
                        .filter(t -> t.rung() == r && t.status() == TrialStatus.COMPLETED).toList());
            }
            for (TrialStatus st : TrialStatus.values()) {
                assertThat(s.trials(st)).containsExactlyElementsOf(all.stream().filter(t -> t.status() == st)
                        .toList());
            }
            TrialRecord expectedBest = all.stream().filter(t -> t.status() == TrialStatus.COMPLETED)
                    .min(Comparator.comparingDouble(t -> t.result().metrics().validBitsPerByte())).orElseThrow();
            assertThat(s.bestBy(TrialMetrics::validBitsPerByte)).contains(expectedBest);
            assertThat(s.best(Comparator.comparingDouble(t -> t.result().metrics().validBitsPerByte())))
                    .contains(expectedBest);
            TrialRecord smallest = all.stream().filter(t -> t.status() == TrialStatus.COMPLETED)
                    .min(Comparator.comparingLong(t -> t.result().metrics().nonEmbeddingParams())).orElseThrow();
            assertThat(s.bestBy(m -> m.nonEmbeddingParams())).contains(smallest);
        }
    }

    @Test
    void createRefusesAnExistingStudyAndReadOnlyRefusesWrites() {
        Path dir = tmp.resolve("x");
        StudyStore.create(dir, Fixtures.info("x")).close();
        assertThatThrownBy(() -> StudyStore.create(dir, Fixtures.info("x")))
                .isInstanceOf(StoreException.class).hasMessageContaining("already holds");
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThatThrownBy(() -> s.logEvent("a", "b")).isInstanceOf(StoreException.class)
                    .hasMessageContaining("read-only");
        }
        StudyStore s = StudyStore.openForWriting(dir);
        s.updateInfo(Fixtures.info("x").withStatus("finished").withFinished(Fixtures.T0.plusSeconds(9)));
        s.close();
        s.close();
        assertThatThrownBy(s::info).hasMessageContaining("closed");
        try (StudyStore r = StudyStore.openReadOnly(dir)) {
            assertThat(r.info().status()).isEqualTo("finished");
            assertThat(r.info().finished()).isEqualTo(Fixtures.T0.plusSeconds(9));
        }
    }
}
