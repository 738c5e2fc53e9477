package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.search.config.ConfigException;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.InMemoryStudyStore;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class SearchTest {

    @TempDir
    Path tmp;

    /** What must be identical between two runs of the same study. */
    record Final(List<GenerationRecord> generations, List<String> front, Map<String, String> results) {
        static Final of(Path dir) {
            try (StudyStore s = StudyStore.openReadOnly(dir)) {
                return of(s, dir);
            }
        }

        static Final of(StudyStorage s, Path dir) {
            List<GenerationRecord> gens = s.generations().stream()
                    // Times and the budget use (wall seconds, and FLOPs of re-evaluations that a study
                    // continued with a larger budget ran earlier) differ between runs; the stored front not.
                    .map(g -> new GenerationRecord(g.generation(), g.population(), g.rngSeed(), g.hypervolume(),
                            g.bestBitsPerByte(), g.trialsDone(), java.time.Instant.EPOCH, g.front(),
                            java.util.Optional.empty()))
                    .toList();
            Map<String, String> results = s.trials().stream().filter(t -> t.status().terminal())
                    .collect(Collectors.toMap(TrialRecord::key, t -> t.status() + " "
                            + t.result().metrics().validBitsPerByte() + " " + t.rung(), (a, b) -> a,
                            java.util.TreeMap::new));
            JsonNode front;
            try {
                front = StrictJson.parse(Files.readString(dir.resolve(FrontJson.FILE)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            List<String> f = new java.util.ArrayList<>();
            front.get("front").values().forEach(m -> f.add(m.get("canonical").stringValue() + " "
                    + m.get("values")));
            return new Final(gens, f, results);
        }
    }

    /** Compares generation by generation so a failure shows the first difference, not two whole studies. */
    static void assertSame(Final actual, Final expected) {
        for (int g = 0; g < Math.min(actual.generations().size(), expected.generations().size()); g++) {
            assertThat(actual.generations().get(g).population().stream().map(i -> i.architecture() + " "
                    + java.util.Arrays.toString(i.fitness()) + " r" + i.rung()).toList())
                    .as("generation %d population", g)
                    .isEqualTo(expected.generations().get(g).population().stream().map(i -> i.architecture() + " "
                            + java.util.Arrays.toString(i.fitness()) + " r" + i.rung()).toList());
            assertThat(actual.generations().get(g)).as("generation %d", g).isEqualTo(expected.generations().get(g));
        }
        assertThat(actual.generations()).hasSameSizeAs(expected.generations());
        assertThat(actual.front()).isEqualTo(expected.front());
        assertThat(actual.results()).isEqualTo(expected.results());
    }

    private SearchOutcome run(String yaml, Path dir, StubEngine.Counters counters) {
        return TestStudies.open(yaml, dir, TestStudies.stub(counters, 0)).run(SearchListener.NONE);
    }

    /** Runs a session of {@code yaml} on a study held in memory (tests that need no store file). */
    private SearchOutcome run(String yaml, InMemoryStudyStore study, StubEngine.Counters counters) {
        return TestStudies.on(yaml, study, TestStudies.stub(counters, 0)).run(SearchListener.NONE);
    }

    @Test
    void runsTinyStudyToItsBudgetAndWritesTheFront() throws Exception {
        StubEngine.Counters counters = new StubEngine.Counters();
        String yaml = TestStudies.yaml("nsga2", 7, 20, "");
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve("s"));
        SearchOutcome o = run(yaml, study, counters);
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(o.reason()).startsWith("max_trials (20) reached");
        assertThat(o.trainedCandidates()).isGreaterThanOrEqualTo(20).isLessThan(20 + 3);
        assertThat(o.front().members()).isNotEmpty();
        assertThat(o.front().rung()).isEqualTo(1);
        assertThat(o.front().hypervolume()).isBetween(0.0, 1.0).isPositive();
        // Every re-evaluated member has its search run plus two extra seeds.
        assertThat(o.reevaluation().members()).isNotEmpty()
                .allSatisfy((k, s) -> assertThat(s.n()).isEqualTo(3));
        assertThat(Files.readString(o.frontFile())).contains("\"status\" : \"finished\"", "reevaluation");

        try (StudyStorage s = study.reopenReadOnly()) {
            assertThat(s.info().status()).isEqualTo("finished");
            List<GenerationRecord> gens = s.generations();
            assertThat(gens).isNotEmpty();
            assertThat(gens.getFirst().population()).hasSize(6);
            // Templates seed the first population.
            assertThat(s.trialsOfGeneration(0).stream().map(t -> t.origin().text()))
                    .contains("template:interleaved", "template:sandwich_2", "template:macaron");
            // Successive halving: per generation, at most ceil(0.34 n) of its n candidates continue to rung 1
            // (n = 6 in the first population, then 3 offspring per generation).
            for (GenerationRecord g : gens) {
                List<TrialRecord> t = s.trialsOfGeneration(g.generation());
                long r1 = t.stream().filter(x -> x.rung() == 1).count();
                assertThat(r1).isLessThanOrEqualTo((long) Math.ceil((g.generation() == 0 ? 6 : 3) * 0.34));
            }
            assertThat(s.trials().stream().filter(x -> x.rung() == 1)).isNotEmpty();
            assertThat(s.trials().stream().filter(x -> x.origin().isReevaluation()))
                    .hasSize(2 * o.reevaluation().members().size());
            // Every generation stored the front and the budget use; the last one's front is the study's, which
            // front.json and study info show, and which the stored trials give when computed again.
            for (GenerationRecord g : gens) {
                assertThat(g.front()).isPresent();
                assertThat(g.front().get().hypervolume()).isEqualTo(g.hypervolume());
                assertThat(g.budgetUse()).isPresent();
                assertThat(g.budgetUse().get().candidates()).isEqualTo(g.trialsDone());
                assertThat(g.budgetUse().get().generations()).isEqualTo(g.generation() + 1);
            }
            assertThat(gens.getLast().front()).contains(o.front());
            StudyContext context = new StudyContext(TestStudies.config(yaml), o.directory());
            assertThat(StudyResults.frontOf(s, context)).isEqualTo(o.front());
            StudyResults recomputed = new StudyResults(context);
            recomputed.load(s);
            assertThat(recomputed.front()).isEqualTo(o.front());
            JsonNode json = StrictJson.parse(Files.readString(o.frontFile()));
            List<String> keys = new java.util.ArrayList<>();
            json.get("front").forEach(m -> keys.add(m.get("key").stringValue()));
            assertThat(keys).isEqualTo(o.front().members().stream().map(m -> m.key()).toList());
        }
        // A promoted trial continued from its checkpoint instead of retraining from step 0.
        assertThat(counters.resumed.get()).isPositive();
        // No trial key was ever trained twice.
        assertThat(counters.calls.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
        // Checkpoints that no rung can use any more are gone.
        try (var files = Files.list(o.directory().resolve("checkpoints"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".partial")).toList()).isEmpty();
        }
    }

    @Test
    void sameSeedSameStudyDifferentSeedDifferentStudy() {
        String yaml = TestStudies.yaml("nsga2", 11, 18, "");
        run(yaml, tmp.resolve("a"), new StubEngine.Counters());
        run(yaml, tmp.resolve("b"), new StubEngine.Counters());
        assertThat(Final.of(tmp.resolve("a"))).isEqualTo(Final.of(tmp.resolve("b")));
        run(TestStudies.yaml("nsga2", 12, 18, ""), tmp.resolve("c"), new StubEngine.Counters());
        assertThat(Final.of(tmp.resolve("c")).generations()).isNotEqualTo(Final.of(tmp.resolve("a")).generations());
    }

    /** Stops after a seeded number of finished trials, resumes, and must end exactly like an uninterrupted run. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void stoppedAndResumedEqualsUninterrupted(int seed) {
        String strategy = List.of("nsga2", "regularized_evolution", "random", "nsga2").get(seed - 1);
        String yaml = TestStudies.yaml(strategy, 100 + seed, 24, "");
        run(yaml, tmp.resolve("straight"), new StubEngine.Counters());

        Random random = new Random(seed);
        Path dir = tmp.resolve("stopped");
        StubEngine.Counters counters = new StubEngine.Counters();
        int sessions = 0;
        SearchOutcome o;
        do {
            int stopAfter = 1 + random.nextInt(12);
            Search search = TestStudies.open(yaml, dir, TestStudies.stub(counters, 0));
            AtomicInteger finished = new AtomicInteger();
            o = search.run(new SearchListener() {
                @Override
                public void trialFinished(TrialProgress progress, StudyStorage store) {
                    if (finished.incrementAndGet() == stopAfter) {
                        search.requestStop("test stop");
                    }
                }
            });
            sessions++;
        } while (o.state() == SearchOutcome.State.STOPPED && sessions < 50);
        assertThat(sessions).as("sessions").isGreaterThan(1);
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertSame(Final.of(dir), Final.of(tmp.resolve("straight")));
    }

    @Test
    void aStudyStoppedMidGenerationShowsOneFrontToTheSearchAndToReaders() {
        String yaml = TestStudies.yaml("nsga2", 17, 24, "");
        Path dir = tmp.resolve("s");
        Search search = TestStudies.open(yaml, dir, TestStudies.stub(new StubEngine.Counters(), 0));
        AtomicInteger finished = new AtomicInteger();
        SearchOutcome o = search.run(new SearchListener() {
            @Override
            public void trialFinished(TrialProgress progress, StudyStorage store) {
                // Generation 0 has 6 candidates and their promotions; stop inside generation 1.
                if (progress.trial().generation() == 1 && finished.incrementAndGet() == 2) {
                    search.requestStop("test stop");
                }
            }
        });
        assertThat(o.state()).isEqualTo(SearchOutcome.State.STOPPED);
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trialsOfGeneration(s.lastGeneration().orElseThrow().generation() + 1)).isNotEmpty();
            // The last checkpoint's front predates the stopped generation's trials; readers see the current one.
            assertThat(StudyResults.frontOf(s, new StudyContext(TestStudies.config(yaml), dir))).isEqualTo(o.front());
        }
    }

    @Test
    void rerunningAFinishedStudyTrainsNothingAndRaisingTheBudgetContinues() {
        String yaml = TestStudies.yaml("nsga2", 5, 12, "");
        Path dir = tmp.resolve("s");
        run(yaml, dir, new StubEngine.Counters());
        StubEngine.Counters again = new StubEngine.Counters();
        SearchOutcome o = run(yaml, dir, again);
        assertThat(o.state()).isEqualTo(SearchOutcome.State.ALREADY_FINISHED);
        assertThat(o.trainedThisSession()).isZero();
        assertThat(again.calls).isEmpty();
        assertThat(o.reevaluation().members()).isNotEmpty();

        StubEngine.Counters more = new StubEngine.Counters();
        SearchOutcome longer = run(TestStudies.yaml("nsga2", 5, 20, ""), dir, more);
        assertThat(longer.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(longer.trainedCandidates()).isGreaterThanOrEqualTo(20);
        // ... and equals a study that had the larger budget from the start.
        run(TestStudies.yaml("nsga2", 5, 20, ""), tmp.resolve("big"), new StubEngine.Counters());
        assertThat(Final.of(dir).generations()).isEqualTo(Final.of(tmp.resolve("big")).generations());
    }

    /** The store is a swap point: a study held in memory runs exactly as the one in the store file. */
    @Test
    void aStudyInMemoryRunsExactlyAsTheStudyInTheStoreFile() {
        String yaml = TestStudies.yaml("nsga2", 11, 18, "");
        run(yaml, tmp.resolve("file"), new StubEngine.Counters());
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve("memory"));
        run(yaml, study, new StubEngine.Counters());
        try (StudyStorage m = study.reopenReadOnly(); StudyStore f = StudyStore.openReadOnly(tmp.resolve("file"))) {
            assertSame(Final.of(m, tmp.resolve("memory")), Final.of(f, tmp.resolve("file")));
            assertThat(m.info().status()).isEqualTo(f.info().status()).isEqualTo("finished");
            assertThat(m.trialKeys()).containsExactlyInAnyOrderElementsOf(f.trialKeys());
            // Trials finish in any order on two workers; the events logged are the same.
            assertThat(m.events()).extracting(StudyEvent::type)
                    .containsExactlyInAnyOrderElementsOf(f.events().stream().map(StudyEvent::type).toList());
        }
    }

    /** Sessions of a study in memory (stopped, reopened for writing) end exactly like an uninterrupted study. */
    @Test
    void aStudyInMemoryStoppedAndReopenedEqualsTheUninterruptedStudy() {
        String yaml = TestStudies.yaml("nsga2", 101, 24, "");
        run(yaml, tmp.resolve("straight"), new StubEngine.Counters());
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve("stopped"));
        StubEngine.Counters counters = new StubEngine.Counters();
        InMemoryStudyStore session = study;
        int sessions = 0;
        SearchOutcome o;
        do {
            Search search = TestStudies.on(yaml, session, TestStudies.stub(counters, 0));
            AtomicInteger finished = new AtomicInteger();
            o = search.run(new SearchListener() {
                @Override
                public void trialFinished(TrialProgress progress, StudyStorage store) {
                    if (finished.incrementAndGet() == 5) {
                        search.requestStop("test stop");
                    }
                }
            });
            sessions++;
            if (o.state() == SearchOutcome.State.STOPPED) {
                session = study.reopenForWriting();
            }
        } while (o.state() == SearchOutcome.State.STOPPED && sessions < 50);
        assertThat(sessions).as("sessions").isGreaterThan(1);
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        try (StudyStorage s = study.reopenReadOnly()) {
            assertSame(Final.of(s, tmp.resolve("stopped")), Final.of(tmp.resolve("straight")));
            assertThat(s.events()).extracting(StudyEvent::type).contains("study_resumed");
        }
    }

    @Test
    void changedSearchSettingsAreRefusedNamingThePath() {
        Path dir = tmp.resolve("s");
        run(TestStudies.yaml("nsga2", 5, 8, ""), dir, new StubEngine.Counters());
        String other = TestStudies.yaml("nsga2", 5, 8, "").replace("ffn_widths: [32, 64, 128]", "ffn_widths: [32, 64]");
        assertThatThrownBy(() -> TestStudies.open(other, dir, TestStudies.stub(new StubEngine.Counters(), 0)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/search_space/ffn_widths")
                .hasMessageContaining("--dir");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nsga2", "regularized_evolution", "random"})
    void everyStrategyRespectsHardConstraints(String strategy) {
        long maxParams = 60_000;
        String yaml = TestStudies.yaml(strategy, 3, 16, "constraints: {max_params: " + maxParams + "}\n");
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve(strategy));
        SearchOutcome o = run(yaml, study, new StubEngine.Counters());
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        try (StudyStorage s = study.reopenReadOnly()) {
            assertThat(s.trials()).isNotEmpty().allSatisfy(t -> {
                Architecture a = Notation.parse(t.architecture());
                assertThat(CostModel.of(a, ModelShape.bytes()).totalParams()).isLessThanOrEqualTo(maxParams);
                assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED);
            });
        }
    }

    /** A space with every sublayer kind, gated activations and both norm kinds: proposals, repair, the lot. */
    @ParameterizedTest
    @ValueSource(strings = {"nsga2", "regularized_evolution", "random"})
    void everyStrategySearchesTheRicherSublayers(String strategy) {
        long maxParams = 120_000;
        String yaml = TestStudies.yaml(strategy, 4, 24, "constraints: {max_params: " + maxParams + "}\n")
                .replace("kinds: [attention, ffn]", """
                        kinds: [attention, ffn, deep_ffn, parallel, moe]
                          activations: [gelu, swiglu]
                          norm_kinds: [layernorm, rmsnorm]
                          moe_experts: [2, 4]""");
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve(strategy));
        SearchOutcome o = run(yaml, study, new StubEngine.Counters());
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        dev.sublayer.space.SearchSpace space = TestStudies.config(yaml).space();
        java.util.Set<dev.sublayer.space.Sublayer.Kind> kinds = new java.util.HashSet<>();
        try (StudyStorage s = study.reopenReadOnly()) {
            assertThat(s.trials()).isNotEmpty().allSatisfy(t -> {
                Architecture a = Notation.parse(t.architecture());
                assertThat(space.violations(a)).isEmpty();
                assertThat(CostModel.of(a, ModelShape.bytes()).totalParams()).isLessThanOrEqualTo(maxParams);
                assertThat(t.status()).isEqualTo(TrialStatus.COMPLETED);
                a.sublayers().forEach(x -> kinds.add(x.kind()));
            });
        }
        assertThat(kinds).contains(dev.sublayer.space.Sublayer.Kind.DEEP_FFN, dev.sublayer.space.Sublayer.Kind.PARALLEL,
                dev.sublayer.space.Sublayer.Kind.MOE);
    }

    @Test
    void hypervolumeNeverDecreasesWithOneRung() {
        String yaml = TestStudies.yaml("nsga2", 9, 30, "").replace("rungs: [{max_steps: 20}, {max_steps: 60}]",
                "rungs: [{max_steps: 40}]");
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve("s"));
        SearchOutcome o = run(yaml, study, new StubEngine.Counters());
        try (StudyStorage s = study.reopenReadOnly()) {
            double previous = 0;
            for (GenerationRecord g : s.generations()) {
                assertThat(g.hypervolume()).isGreaterThanOrEqualTo(previous);
                previous = g.hypervolume();
            }
            assertThat(previous).isEqualTo(o.front().hypervolume());
        }
    }

    @Test
    void progressiveHurdlesPromoteAgainstEarlierGenerations() {
        String yaml = TestStudies.yaml("regularized_evolution", 13, 20, "").replace("keep_fraction: 0.34",
                "keep_fraction: 0.5\n  promotion: hurdle");
        InMemoryStudyStore a = TestStudies.inMemory(yaml, tmp.resolve("a"));
        SearchOutcome o = run(yaml, a, new StubEngine.Counters());
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        InMemoryStudyStore b = TestStudies.inMemory(yaml, tmp.resolve("b"));
        run(yaml, b, new StubEngine.Counters());
        try (StudyStorage s = a.reopenReadOnly(); StudyStorage t = b.reopenReadOnly()) {
            assertThat(s.trials().stream().filter(x -> x.rung() == 1 && x.generation() > 0)).isNotEmpty();
            assertThat(Final.of(s, tmp.resolve("a"))).isEqualTo(Final.of(t, tmp.resolve("b")));
        }
    }

    @Test
    void theWallClockBudgetStopsMidGenerationAndFinishesTheStudy() throws Exception {
        String yaml = TestStudies.yaml("nsga2", 21, 1000, "").replace("budget: {max_trials: 1000}",
                "budget: {max_trials: 1000, max_wall_hours: 0.0003}");
        SearchOutcome o = TestStudies.open(yaml, tmp.resolve("s"), TestStudies.stub(new StubEngine.Counters(), 2))
                .run(SearchListener.NONE);
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(o.reason()).contains("max_wall_hours");
        try (StudyStore s = StudyStore.openReadOnly(o.directory())) {
            assertThat(s.info().status()).isEqualTo("finished");
            assertThat(s.trials(TrialStatus.RUNNING)).isEmpty();
        }
        SearchOutcome again = TestStudies.open(yaml, tmp.resolve("s"),
                TestStudies.stub(new StubEngine.Counters(), 2)).run(SearchListener.NONE);
        assertThat(again.state()).isEqualTo(SearchOutcome.State.ALREADY_FINISHED);
        assertThat(again.trainedThisSession()).isZero();
    }

    @Test
    void progressLinesReportEachGeneration() {
        java.io.StringWriter err = new java.io.StringWriter();
        String yaml = TestStudies.yaml("random", 3, 12, "");
        TestStudies.on(yaml, TestStudies.inMemory(yaml, tmp.resolve("s")), TestStudies.stub(new StubEngine.Counters(), 0))
                .run(dev.sublayer.search.progress.SearchProgress.lines(new java.io.PrintWriter(err, true)));
        assertThat(err.toString()).contains("starting study 'tiny'", "random, 2 in-process worker threads",
                "generation 0: ", "generation 1: ", "/12 candidates, best ", " bits/byte, hypervolume 0.")
                .doesNotContain("\r");
    }

    @Test
    void searchesTheRicherSublayerKindsWithinConstraints() {
        String yaml = TestStudies.yaml("nsga2", 8, 24, "constraints: {max_params: 150000}\n").replace(
                "kinds: [attention, ffn]", "kinds: [attention, ffn, deep_ffn, parallel, moe]\n"
                        + "  moe_experts: [2, 4]\n  moe_top_k: [1, 2]\n  norm_kinds: [layernorm, rmsnorm]");
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve("rich"));
        SearchOutcome o = run(yaml, study, new StubEngine.Counters());
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        try (StudyStorage s = study.reopenReadOnly()) {
            String all = s.trials().stream().map(TrialRecord::architecture).collect(Collectors.joining(" "));
            assertThat(all).contains(" D", " P", " M");
            assertThat(s.trials()).allSatisfy(t -> assertThat(CostModel.of(Notation.parse(t.architecture()),
                    ModelShape.bytes()).totalParams()).isLessThanOrEqualTo(150_000));
        }
    }
}
