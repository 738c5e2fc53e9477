package dev.sublayer.search.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StudyConfigWriterTest {

    private static final Path STUDIES = Path.of("..", "studies");

    @Test
    void resolvedYamlReadsBackToTheSameConfig() throws Exception {
        for (String file : List.of("reference.yaml", "quickstart.yaml")) {
            StudyConfig c = StudyConfigReader.readFile(STUDIES.resolve(file));
            String resolved = StudyConfigWriter.resolvedYaml(c);
            assertThat(StudyConfigReader.read(resolved)).as(file).isEqualTo(c);
        }
    }

    /** The resolved config spells out every default, so a study's stored config does not depend on them. */
    @Test
    void resolvedConfigSpellsOutTheDefaults() {
        JsonNode n = StudyConfigWriter.toNode(StudyConfigReader.read("name: tiny\n"));
        assertThat(n.at("/search/strategy").stringValue()).isEqualTo("nsga2");
        assertThat(n.at("/search/population").intValue()).isEqualTo(16);
        assertThat(n.at("/reevaluation/seeds").intValue()).isEqualTo(3);
        assertThat(n.at("/fidelity/rungs/0/max_steps").longValue()).isEqualTo(200);
        assertThat(n.at("/workers/mode").stringValue()).isEqualTo("process");
        // Only the fixed strategy has layouts and seeds; unset limits are left out.
        assertThat(n.at("/search").has("layouts")).isFalse();
        assertThat(n.at("/budget").has("max_generations")).isFalse();
        assertThat(n.at("/budget/max_trials").longValue()).isEqualTo(100);
    }
}
