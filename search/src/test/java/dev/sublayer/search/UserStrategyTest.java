package dev.sublayer.search;

import dev.sublayer.trial.Origin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.moea.Fitness;
import dev.sublayer.search.moea.Ranking;
import dev.sublayer.search.strategy.Generation;
import dev.sublayer.search.strategy.Strategy;
import dev.sublayer.search.strategy.StrategyContext;
import dev.sublayer.search.strategy.StrategyRegistry;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A strategy written outside the strategy package and registered by name runs through the normal search. */
class UserStrategyTest {

    /**
     * Elitist random sampling, written against the public strategy API only, as a user would: each generation
     * samples {@code population} architectures within the constraints and keeps the best {@code population} of
     * the old and the new members; it has nothing more to propose after {@value #GENERATIONS} generations.
     */
    static final class ElitistRandom implements Strategy {
        static final String NAME = "elitist_random";
        static final int GENERATIONS = 3;

        private final StrategyContext context;

        ElitistRandom(StrategyContext context) {
            this.context = context;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public int plannedCandidates(int generation) {
            return context.settings().population();
        }

        @Override
        public List<Member> initialise(Generation generation) throws TrialRunner.Stopped {
            return next(List.of(), generation);
        }

        @Override
        public List<Member> next(List<Member> population, Generation generation) throws TrialRunner.Stopped {
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < context.settings().population(); i++) {
                Genotype<IntegerGene> g = context.constraints().sample(generation.random());
                candidates.add(new Candidate(g, context.codec().decode(g), Origin.proposal(NAME)));
            }
            List<Fitness> fitness = generation.evaluate(candidates);
            List<Member> all = new ArrayList<>(population);
            for (int i = 0; i < candidates.size(); i++) {
                all.add(new Member(candidates.get(i).genotype(), candidates.get(i).architecture(), fitness.get(i)));
            }
            Ranking ranking = Ranking.of(all.stream().map(Member::fitness).toList());
            return ranking.best(context.settings().population()).stream().map(all::get).toList();
        }

        @Override
        public Optional<String> finished(int generation) {
            return generation >= GENERATIONS ? Optional.of(NAME + " ran its " + GENERATIONS + " generations")
                    : Optional.empty();
        }
    }

    @TempDir
    Path tmp;

    @BeforeEach
    void register() {
        StrategyRegistry.register(ElitistRandom.NAME, ElitistRandom::new);
    }

    @AfterEach
    void unregister() {
        StrategyRegistry.unregister(ElitistRandom.NAME);
    }

    @Test
    void aRegisteredStrategyRunsAStudyAndItsTrialsCarryItsName() {
        String yaml = TestStudies.yaml(ElitistRandom.NAME, 5, 1000, "");
        StubEngine.Counters counters = new StubEngine.Counters();
        SearchOutcome o = TestStudies.open(yaml, tmp.resolve("a"), TestStudies.stub(counters, 0))
                .run(SearchListener.NONE);

        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(o.reason()).isEqualTo("elitist_random ran its 3 generations");
        assertThat(o.front().members()).isNotEmpty();
        try (StudyStore s = StudyStore.openReadOnly(o.directory())) {
            assertThat(s.generations()).extracting(GenerationRecord::generation).containsExactly(0, 1, 2);
            assertThat(s.generations()).allSatisfy(g -> assertThat(g.population()).hasSize(6));
            List<TrialRecord> searched = s.trials().stream()
                    .filter(t -> !Origin.reevaluation().equals(t.origin())).toList();
            assertThat(searched).isNotEmpty().allSatisfy(t -> assertThat(t.origin().text()).isEqualTo("elitist_random"));
            assertThat(searched).extracting(TrialRecord::generation).contains(0, 1, 2);
            // The configured re-evaluation of the front applies to a user strategy as to the built-in ones.
            assertThat(s.trials().stream().filter(t -> Origin.reevaluation().equals(t.origin())))
                    .hasSize(2 * o.reevaluation().members().size());
            assertThat(s.info().configResolved()).containsPattern("strategy: \"?elitist_random");
        }
        assertThat(o.reevaluation().members()).isNotEmpty();

        // Deterministic: the same study again gives the same generations, front and trials ...
        SearchOutcome again = TestStudies.open(yaml, tmp.resolve("b"), TestStudies.stub(new StubEngine.Counters(), 0))
                .run(SearchListener.NONE);
        SearchTest.assertSame(SearchTest.Final.of(again.directory()), SearchTest.Final.of(o.directory()));
        // ... and reopening the finished study trains nothing.
        StubEngine.Counters rerun = new StubEngine.Counters();
        TestStudies.open(yaml, tmp.resolve("a"), TestStudies.stub(rerun, 0)).run(SearchListener.NONE);
        assertThat(rerun.calls).isEmpty();
    }
}
