package dev.sublayer.search.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.search.Member;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StrategyRegistryTest {

    private static final String USER = "user_strategy";

    /** A strategy that proposes nothing: the registry and the config only care about its name. */
    private record Named(String name) implements Strategy {
        @Override
        public int plannedCandidates(int generation) {
            return 0;
        }

        @Override
        public List<Member> initialise(Generation generation) {
            return List.of();
        }

        @Override
        public List<Member> next(List<Member> population, Generation generation) {
            return population;
        }
    }

    @AfterEach
    void cleanUp() {
        StrategyRegistry.unregister(USER);
    }

    private static StrategyContext context(String yaml) {
        StudyConfig c = StudyConfigReader.read(yaml);
        return StrategyContext.of(new StudyContext(c, Path.of("unused")));
    }

    @Test
    void theBuiltInStrategiesAreRegisteredUnderTheirConfigNames() {
        assertThat(StrategyRegistry.names()).containsExactly("nsga2", "regularized_evolution", "random", "fixed");
        StrategyContext c = context("name: t\n");
        assertThat(StrategyRegistry.create("nsga2", c)).isInstanceOf(Nsga2Strategy.class);
        assertThat(StrategyRegistry.create("regularized_evolution", c)).isInstanceOf(AgingEvolution.class);
        assertThat(StrategyRegistry.create("random", c)).isInstanceOf(RandomSearch.class);
        assertThat(StrategyRegistry.create("fixed", c)).isInstanceOf(FixedLayouts.class);
    }

    @Test
    void aConfigMayNameARegisteredStrategyAndTheErrorForAnUnknownOneListsThem() {
        String config = "name: t\nsearch: {strategy: user_strategy}\n";
        assertThatThrownBy(() -> StudyConfigReader.read(config))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/search/strategy: must be one of nsga2, regularized_evolution, random, fixed, "
                        + "got 'user_strategy'");

        StrategyRegistry.register(USER, c -> new Named(USER));
        assertThat(StrategyRegistry.names()).endsWith(USER);
        StudyConfig c = StudyConfigReader.read(config);
        assertThat(c.search().strategy()).isEqualTo(USER);
        assertThat(StrategyRegistry.create(USER, StrategyContext.of(new StudyContext(c, Path.of("unused")))).name())
                .isEqualTo(USER);
        assertThatThrownBy(() -> StudyConfigReader.read("name: t\nsearch: {strategy: user_strategie}\n"))
                .hasMessage("/search/strategy: must be one of nsga2, regularized_evolution, random, fixed, "
                        + "user_strategy, got 'user_strategie' (did you mean 'user_strategy'?)");
        // The name is checked with the rest of the schema: every problem is reported at once, in document order.
        assertThatThrownBy(() -> StudyConfigReader.read("name: t\nsearch: {strategy: nope, population: 1}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "/search/population: must be between 2 and 100000, got 1",
                        "/search/strategy: must be one of nsga2, regularized_evolution, random, fixed, "
                                + "user_strategy, got 'nope'"));

        assertThat(StrategyRegistry.unregister(USER)).isTrue();
        assertThatThrownBy(() -> StudyConfigReader.read(config)).hasMessageContaining("random, fixed, got");
    }

    @Test
    void creatingAnUnknownStrategyNamesTheRegisteredOnes() {
        assertThatThrownBy(() -> StrategyRegistry.create("nope", context("name: t\n")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown strategy 'nope'; registered: nsga2, regularized_evolution, random, fixed");
    }

    @Test
    void registrationRefusesBadDuplicateAndReservedNames() {
        Strategy.Factory factory = c -> new Named(USER);
        assertThatThrownBy(() -> StrategyRegistry.register("Hill-Climb", factory))
                .hasMessage("a strategy name must match [a-z][a-z0-9_]*, got 'Hill-Climb'");
        assertThatThrownBy(() -> StrategyRegistry.register("nsga2", factory))
                .hasMessage("a strategy named 'nsga2' is already registered");
        assertThatThrownBy(() -> StrategyRegistry.register("reeval", factory))
                .hasMessage("the strategy name 'reeval' is reserved for re-evaluation trials");
        assertThatThrownBy(() -> StrategyRegistry.unregister("fixed"))
                .hasMessage("the built-in strategy 'fixed' cannot be removed");
        StrategyRegistry.register(USER, factory);
        assertThatThrownBy(() -> StrategyRegistry.register(USER, factory))
                .hasMessage("a strategy named 'user_strategy' is already registered");
        assertThat(StrategyRegistry.unregister("never_registered")).isFalse();
    }

    @Test
    void aStrategyMustCallItselfByTheNameItIsRegisteredUnder() {
        StrategyRegistry.register(USER, c -> new Named("something_else"));
        assertThatThrownBy(() -> StrategyRegistry.create(USER, context("name: t\n")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the strategy registered as 'user_strategy' calls itself 'something_else'");
    }

    @Test
    void theFixedStrategyEndsAfterItsLayoutsAndReevaluatesEveryLayoutWithItsSeeds() {
        StrategyContext c = context("""
                name: t
                search_space: {depth: {min: 2, max: 4}, kinds: [attention, ffn], ffn_widths: [32, 64], heads: [2],
                               d_model: [32], context: 16}
                search:
                  strategy: fixed
                  seeds: 4
                  layouts:
                    - {label: a, architecture: "A2 F64"}
                    - {label: b, architecture: "F32 A2"}
                """);
        Strategy fixed = StrategyRegistry.create("fixed", c);
        assertThat(fixed.plannedCandidates(0)).isEqualTo(2);
        assertThat(fixed.finished(0)).isEmpty();
        assertThat(fixed.finished(1)).contains("all 2 fixed layouts trained");
        // The config's reevaluation does not apply: every layout gets seeds - 1 more seeds under its own name.
        FinalReevaluation r = fixed.finalReevaluation(new StudyConfig.Reevaluation(7, 1));
        assertThat(r).isInstanceOfSatisfying(FinalReevaluation.OfCandidates.class, o -> {
            assertThat(o.seeds()).isEqualTo(3);
            assertThat(o.candidates()).extracting(x -> x.origin().text()).containsExactly("layout:a", "layout:b");
            assertThat(o.candidates()).extracting(x -> x.architecture().notation()).containsExactly("A2 F64", "F32 A2");
        });
        // A searching strategy never runs out of proposals and re-evaluates the front as configured.
        Strategy nsga2 = StrategyRegistry.create("nsga2", context("name: t\n"));
        assertThat(nsga2.finished(1000)).isEmpty();
        assertThat(nsga2.finalReevaluation(new StudyConfig.Reevaluation(7, 1)))
                .isEqualTo(new FinalReevaluation.OfFront(7, 1));
    }
}
