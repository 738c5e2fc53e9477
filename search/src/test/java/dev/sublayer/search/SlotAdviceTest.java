package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import org.junit.jupiter.api.Test;

class SlotAdviceTest {

    private static StudyConfig config(int population, double keep) {
        return StudyConfigReader.read("""
                name: t
                search: {population: %d}
                fidelity: {rungs: [{max_steps: 10}, {max_steps: 30}, {max_steps: 90}], keep_fraction: %s}
                """.formatted(population, keep));
    }

    @Test
    void aGenerationSmallerThanTheSlotsIsNamedWithWhatToSet() {
        assertThat(SlotAdvice.warnings(config(6, 0.5), 8, 6)).containsExactly("a generation trains 6 candidates on 8 "
                + "worker slots: 2 slots stay idle at rung 0; raise search.population until a generation has at "
                + "least 8 candidates (or lower workers.count)");
    }

    @Test
    void aSmallRungIsNamedOnce() {
        // 16 candidates -> rung 1: 8, rung 2: 4; on 8 slots rung 2 leaves 4 idle.
        assertThat(SlotAdvice.warnings(config(16, 0.5), 8, 16)).containsExactly("rung 2 trains about 4 candidates "
                + "per generation (keep_fraction 0.5) on 8 worker slots: 4 slots stay idle while it runs; a "
                + "generation of at least 32 candidates (search.population) or a larger fidelity.keep_fraction "
                + "fills them");
    }

    @Test
    void enoughCandidatesOrOneSlotWarnNothing() {
        assertThat(SlotAdvice.warnings(config(32, 0.5), 8, 32)).isEmpty();
        assertThat(SlotAdvice.warnings(config(2, 0.5), 1, 2)).isEmpty();
    }
}
