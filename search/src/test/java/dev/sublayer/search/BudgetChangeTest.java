package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.config.StudyConfigWriter;
import dev.sublayer.storage.StudyInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New budget totals: their rules, how they rewrite a stored config, and their request file. */
class BudgetChangeTest {

    @TempDir
    Path tmp;

    @Test
    void limitsFollowTheConfigRulesAndNameTheirKey() {
        assertThatThrownBy(() -> BudgetChange.of(0L, null, null, null)).isInstanceOf(ConfigException.class)
                .hasMessage("/budget/max_trials: must be between 1 and 1000000000, got 0");
        assertThatThrownBy(() -> BudgetChange.of(null, -2L, null, null))
                .hasMessage("/budget/max_generations: must be between 1 and 1000000000, got -2");
        assertThatThrownBy(() -> BudgetChange.of(null, null, 0.0, null))
                .hasMessage("/budget/max_wall_hours: must be > 0 and <= 1000000, got 0.0");
        assertThatThrownBy(() -> BudgetChange.of(null, null, Double.NaN, Double.POSITIVE_INFINITY))
                .hasMessage("/budget/max_wall_hours: must be a finite number > 0, got NaN; /budget/max_training_flops: "
                        + "must be a finite number > 0, got Infinity (2 problems)");
        assertThatThrownBy(() -> BudgetChange.of(null, null, null, null))
                .hasMessage("/budget: give at least one limit to change: max_trials, max_generations, max_wall_hours, "
                        + "max_training_flops");
    }

    @Test
    void changesOnlyTheLimitsGivenAndSaysWhat() {
        StudyConfig.StudyBudget before = new StudyConfig.StudyBudget(24, Long.MAX_VALUE, 2.5,
                Double.POSITIVE_INFINITY);
        BudgetChange change = BudgetChange.of(30L, null, null, 1e17);
        assertThat(change.applyTo(before)).isEqualTo(new StudyConfig.StudyBudget(30, Long.MAX_VALUE, 2.5, 1e17));
        assertThat(change.describe(before)).isEqualTo("max_trials 24 -> 30, max_training_flops unlimited -> 1.000e+17");
        assertThat(change.describe()).isEqualTo("max_trials 30, max_training_flops 1.000e+17");
        assertThat(BudgetChange.of(null, 5L, 0.5, null).describe(before))
                .isEqualTo("max_generations unlimited -> 5, max_wall_hours 2.5 -> 0.5");
        BudgetChange later = BudgetChange.of(40L, 3L, null, null);
        assertThat(change.then(later)).isEqualTo(BudgetChange.of(40L, 3L, null, 1e17));
    }

    @Test
    void theJsonFormRoundTripsAndRefusesWhatIsNotABudget() {
        BudgetChange change = BudgetChange.of(30L, null, 0.25, 1e17);
        assertThat(BudgetChange.fromJson(change.toJson())).isEqualTo(change);
        assertThatThrownBy(() -> BudgetChange.fromJson("{\"max_trails\": 3}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key 'max_trails'");
        assertThatThrownBy(() -> BudgetChange.fromJson("{\"max_trials\": 2.5}"))
                .hasMessageContaining("max_trials must be an integer");
        assertThatThrownBy(() -> BudgetChange.fromJson("{\"max_trials\": 0}")).isInstanceOf(ConfigException.class);
    }

    @Test
    void theStoredConfigKeepsItsTextAndCommentsAndGetsTheNewBudget() {
        String yaml = TestStudies.yaml("nsga2", 3, 12, "").replace("budget: {max_trials: 12}", """
                # how long it runs
                budget:
                  max_trials: 12      # candidates
                  max_wall_hours: 3

                # the final front
                """);
        StudyInfo info = TestStudies.inMemory(yaml, tmp.resolve("s")).info();
        StudyInfo changed = BudgetChange.of(30L, null, null, 1e17).applyTo(info);
        String expected = yaml.replace("""
                budget:
                  max_trials: 12      # candidates
                  max_wall_hours: 3
                """, """
                budget: {max_trials: 30, max_wall_hours: 3.0, max_training_flops: 1.0E+17}
                """);
        assertThat(changed.configAsGiven()).isEqualTo(expected).contains("# how long it runs", "# the final front");
        StudyConfig read = StudyConfigReader.read(changed.configAsGiven());
        assertThat(read.budget()).isEqualTo(new StudyConfig.StudyBudget(30, Long.MAX_VALUE, 3, 1e17));
        assertThat(read.withBudget(TestStudies.config(yaml).budget())).isEqualTo(TestStudies.config(yaml));
        assertThat(changed.configResolved()).isEqualTo(StudyConfigWriter.resolvedYaml(read));
        assertThat(changed).usingRecursiveComparison()
                .ignoringFields("configAsGiven", "configResolved").isEqualTo(info);

        // A config without a budget section gets one; a JSON config is written out again as YAML.
        String none = TestStudies.yaml("nsga2", 3, 12, "").replace("budget: {max_trials: 12}\n", "");
        StudyInfo added = BudgetChange.of(7L, null, null, null).applyTo(TestStudies.inMemory(none, tmp.resolve("n"))
                .info());
        assertThat(added.configAsGiven()).isEqualTo(none + "budget: {max_trials: 7}\n");
        String json = tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(
                StudyConfigReader.parse(yaml));
        StudyInfo fromJson = BudgetChange.of(7L, null, null, null).applyTo(TestStudies.inMemory(json,
                tmp.resolve("j")).info());
        assertThat(StudyConfigReader.read(fromJson.configAsGiven()).budget().maxTrials()).isEqualTo(7);
    }

    @Test
    void requestsAreMergedUntilTakenAndTakenOnce() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("s"));
        assertThat(BudgetRequests.take(dir)).isEmpty();
        BudgetRequests.request(dir, BudgetChange.of(30L, null, 2.0, null));
        BudgetRequests.request(dir, BudgetChange.of(40L, 3L, null, null));
        assertThat(BudgetRequests.take(dir)).contains(BudgetChange.of(40L, 3L, 2.0, null));
        assertThat(BudgetRequests.take(dir)).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
        Files.writeString(dir.resolve(BudgetRequests.FILE_NAME), "{\"max_trials\": \"many\"}");
        assertThatThrownBy(() -> BudgetRequests.take(dir)).hasMessageContaining(BudgetRequests.FILE_NAME)
                .hasMessageContaining("max_trials must be an integer");
        assertThat(dir.resolve(BudgetRequests.FILE_NAME)).doesNotExist();
    }
}
