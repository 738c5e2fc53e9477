package dev.sublayer.search.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.space.SearchSpace;
import dev.sublayer.space.SearchSpaceReader;
import dev.sublayer.space.Template;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.ObjectiveKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class StudyConfigReaderTest {

    private static final Path STUDIES = Path.of("..", "studies");

    @Test
    void onlyTheNameIsRequiredAndDefaultsAreFilledIn() {
        StudyConfig c = StudyConfigReader.read("name: tiny\n");
        assertThat(c.seed()).isEqualTo(StudyConfigReader.DEFAULT_SEED);
        assertThat(c.space()).isEqualTo(SearchSpace.defaults());
        assertThat(c.data().dataSeed()).isEqualTo(c.seed());
        assertThat(c.training().engine()).isEqualTo("dl4j");
        assertThat(c.training().config()).isEqualTo(TrainingConfig.defaults());
        assertThat(c.fidelity().rungs()).containsExactly(Budget.steps(200));
        assertThat(c.objectives()).extracting(o -> o.kind())
                .containsExactly(ObjectiveKind.VALID_BITS_PER_BYTE, ObjectiveKind.NON_EMBEDDING_PARAMS);
        assertThat(c.objectives().getFirst().reference()).isEqualTo(8.0);
        assertThat(c.search().strategy()).isEqualTo("nsga2");
        assertThat(c.search().templates()).isEqualTo(Template.standard());
        assertThat(c.search().templateDepths()).containsExactly(8);
        assertThat(c.budget().maxTrials()).isEqualTo(100);
        assertThat(c.reevaluation().seeds()).isEqualTo(3);
        assertThat(c.workers().mode()).isEqualTo(StudyConfig.WorkerMode.PROCESS);
        assertThat(StudyConfigReader.read("name: r\nsearch: {strategy: random}\n").search().templates()).isEmpty();
    }

    @Test
    void defaultSizeReferenceIsTheLargestArchitectureOfTheSpace() {
        StudyConfig c = StudyConfigReader.read("""
                name: s
                search_space: {depth: {min: 1, max: 3}, ffn_widths: [64, 256], heads: [2], d_model: [32], context: 16}
                """);
        // Widest sublayer at d=32: FFN 256 = 2*32 (norm) + 2*32*256 + 256 + 32 = 16736 > attention 4352.
        assertThat(c.objectives().get(1).reference()).isEqualTo(3 * 16736 + 2 * 32);
    }

    /** reference.yaml must document every key the schema knows. */
    @Test
    void referenceYamlDocumentsEveryKey() throws Exception {
        String text = Files.readString(STUDIES.resolve("reference.yaml"));
        TreeSet<String> keys = new TreeSet<>();
        collectKeys(ConfigSchema.schema(), keys);
        keys.addAll(SearchSpaceReader.KEYS);
        keys.addAll(List.of("min", "max"));
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            if (!text.matches("(?s).*[\\s{,]" + k + ":.*")) {
                missing.add(k);
            }
        }
        assertThat(missing).as("keys missing from studies/reference.yaml").isEmpty();
    }

    private static void collectKeys(JsonNode schema, TreeSet<String> keys) {
        if (schema.isObject()) {
            JsonNode props = schema.get("properties");
            if (props != null) {
                props.propertyNames().forEach(keys::add);
            }
            schema.values().forEach(v -> collectKeys(v, keys));
        } else if (schema.isArray()) {
            schema.values().forEach(v -> collectKeys(v, keys));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "search: {population: 1}                       | /search/population: must be >= 2, got 1",
            "search: {popultion: 3}                        | /search/popultion: unknown key, did you mean 'population'?",
            "serch: {population: 3}                        | /serch: unknown key, did you mean 'search'?",
            "search: {strategy: nsgaII}                    | /search/strategy: must be one of nsga2, regularized_evolution, random, fixed, got 'nsgaII' (did you mean 'nsga2'?)",
            "fidelity: {rungs: [{max_steps: 100}, {max_steps: 50}]} | /fidelity/rungs/1/max_steps: must be >= rung 0's 100 (rungs only grow), got 50",
            "fidelity: {rungs: [{max_steps: 100}, {max_tokens: 5000}]} | /fidelity/rungs/1: must set the same caps as rung 0",
            "fidelity: {rungs: [{max_steps: 100}, {max_steps: 100}]} | /fidelity/rungs/1: must raise at least one cap",
            "fidelity: {rungs: [{}]}                       | /fidelity/rungs/0: must set at least 1 key",
            "objectives: [wall_seconds]                    | /objectives/0/reference: is required for wall_seconds",
            "objectives: [params]                          | /objectives/0: must be one of valid_bits_per_byte",
            "'objectives: [{name: flops_per_token, refrence: 3}]' | /objectives/0/refrence: unknown key, did you mean 'reference'?",
            "objectives: [valid_bits_per_byte, valid_bits_per_byte] | /objectives/1: objective valid_bits_per_byte is listed twice",
            "'objectives: [{name: valid_bits_per_byte, reference: 0}]' | /objectives/0/reference: must be greater than ideal",
            "search_space: {ffn_width: [1]}                | /search_space/ffn_width: unknown key, did you mean 'ffn_widths'?",
            "search_space: {heads: [3]}                    | /search_space/heads: heads 3 must divide every d_model",
            "training: {learning_rate: 0}                  | /training/learning_rate: must be > 0, got 0",
            "training: {engine: dl4jj}                     | /training/engine: must be one of dl4j",
            "training: {warmup_steps: 50, schedule_steps: 50} | /training/warmup_steps: must be < schedule_steps (50), got 50",
            "search: {templates: [sandwitch_2]}            | /search/templates/0: unknown template 'sandwitch_2'",
            "search: {template_depths: [12]}               | /search/template_depths/0: must be within the space's depth 2..8, got 12",
            "'search: {population: 4, regularized_evolution: {sample_size: 5}}' | /search/regularized_evolution/sample_size: must be <= population (4), got 5",
            "seed: abc                                     | /seed: must be an integer, got 'abc'",
            "budget: {max_trials: 0}                       | /budget/max_trials: must be >= 1, got 0",
            "workers: {heap: lots}                         | /workers/heap: must match",
            "workers: {mode: threads}                      | /workers/mode: must be one of process, in_process, got 'threads'",
            "constraints: {max_params: 2.5}                | /constraints/max_params: must be an integer, got 2.5",
            "data: {batch_size: 0}                         | /data/batch_size: must be >= 1, got 0",
            "name: [a]                                     | /name: must be a string, got a list",
    })
    void errorsNameThePathAndTheRule(String yaml, String message) {
        String text = yaml.startsWith("name:") ? yaml + "\n" : "name: t\n" + yaml + "\n";
        assertThatThrownBy(() -> StudyConfigReader.read(text))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void structuralErrorsAreReported() {
        assertThatThrownBy(() -> StudyConfigReader.read("description: no name\n"))
                .hasMessage("/name: is required");
        assertThatThrownBy(() -> StudyConfigReader.read("name: [unclosed\n"))
                .hasMessageStartingWith("/: not valid YAML");
        assertThatThrownBy(() -> StudyConfigReader.read(""))
                .hasMessageStartingWith("/: the config is empty");
        assertThatThrownBy(() -> StudyConfigReader.readFile(Path.of("no/such/file.yaml")))
                .hasMessageStartingWith("/: no config file");
        // Every problem the schema finds is reported, in document order.
        assertThatThrownBy(() -> StudyConfigReader.read("name: t\nsearch: {population: 1}\nbudget: {max_trials: 0}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "/budget/max_trials: must be >= 1, got 0", "/search/population: must be >= 2, got 1"));
    }

    @Test
    void largeNumbersMayBeWrittenInExponentNotation() {
        StudyConfig c = StudyConfigReader.read("name: t\nconstraints: {max_params: 2e6}\nbudget: {max_training_flops: 1e15}\n");
        assertThat(c.constraints().maxParams()).isEqualTo(2_000_000);
        assertThat(c.budget().maxTrainingFlops()).isEqualTo(1e15);
        assertThat(c.budget().maxTrials()).isEqualTo(Long.MAX_VALUE);
    }
}
