package dev.sublayer.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The engine names known without the engines ({@link EngineNames}, what configs are checked against) and the
 * engines {@link Engines} makes are the same set.
 */
class EnginesTest {

    @Test
    void everyKnownNameMakesTheEngineOfThatName() {
        assertThat(Engines.names()).isEqualTo(EngineNames.all());
        assertThat(Engines.DEFAULT).isEqualTo(EngineNames.DEFAULT).isEqualTo(EngineNames.all().getFirst());
        for (String name : EngineNames.all()) {
            try (Engine engine = Engines.create(name, 1)) {
                assertThat(engine.name()).isEqualTo(name);
            }
        }
    }
}
