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
import org.junit.jupiter.api.io.TempDir;
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
            "search: {population: 1}                       | /search/population: must be between 2 and 100000, got 1",
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
            "training: {learning_rate: 0}                  | /training/learning_rate: must be > 0 and <= 10, got 0",
            "training: {engine: dl4jj}                     | /training/engine: must be one of dl4j",
            "training: {warmup_steps: 50, schedule_steps: 50} | /training/warmup_steps: must be < schedule_steps (50), got 50",
            "search: {templates: [sandwitch_2]}            | /search/templates/0: unknown template 'sandwitch_2'",
            "search: {template_depths: [12]}               | /search/template_depths/0: must be within the space's depth 2..8, got 12",
            "'search: {population: 4, regularized_evolution: {sample_size: 5}}' | /search/regularized_evolution/sample_size: must be <= population (4), got 5",
            "seed: abc                                     | /seed: must be an integer, got 'abc'",
            "budget: {max_trials: 0}                       | /budget/max_trials: must be between 1 and 1000000000, got 0",
            "workers: {heap: lots}                         | /workers/heap: must match",
            "workers: {mode: threads}                      | /workers/mode: must be one of process, in_process, got 'threads'",
            "constraints: {max_params: 2.5}                | /constraints/max_params: must be an integer, got 2.5",
            "data: {batch_size: 0}                         | /data/batch_size: must be between 1 and 65536, got 0",
            "name: [a]                                     | /name: must be a string, got a list",
            "seed: 99999999999999999999                    | /seed: must be between -9223372036854775808 and 9223372036854775807, got 99999999999999999999",
            "seed: -1e19                                   | /seed: must be between -9223372036854775808 and 9223372036854775807, got -1.0E19",
            "budget: {max_trials: 9223372036854775807}     | /budget/max_trials: must be between 1 and 1000000000, got 9223372036854775807",
            "budget: {max_trials: 1e19}                    | /budget/max_trials: must be between 1 and 1000000000, got 1.0E19",
            "budget: {max_wall_hours: 1e7}                 | /budget/max_wall_hours: must be > 0 and <= 1000000, got 1.0E7",
            "constraints: {max_params: 99999999999999999999} | /constraints/max_params: must be between 1 and 9223372036854775807, got 99999999999999999999",
            "training: {log_every: 99999999999}            | /training/log_every: must be between 1 and 1000000000, got 99999999999",
            "reevaluation: {max_candidates: 4294967297}    | /reevaluation/max_candidates: must be between 1 and 100000, got 4294967297",
            "fidelity: {rungs: [{max_steps: 1e13}]}        | /fidelity/rungs/0/max_steps: must be between 1 and 1000000000000, got 1.0E13",
            "'objectives: [{name: wall_seconds, reference: 1e31}]' | /objectives/0/reference: must be between -1e30 and 1e30, got 1.0E31",
            "search_space: {ffn_widths: [1000000000]}      | /search_space/ffn_widths/0: must be between 1 and 1048576, got 1000000000",
            "'search: {layouts: [{label: a, architecture: F1000000000}]}' | /search/layouts/0/architecture: token 'F1000000000' at position 1: width 1000000000 is above the maximum 1048576",
            "'search: {layouts: [{label: a, architecture: A４ F５１２}]}' | /search/layouts/0/architecture: token 'A４' at position 1: expected a positive integer heads after 'A' (ASCII digits 0-9 only)",
            "workers: {heap: 99999999999999999999g}        | /workers/heap: must be at most 16 characters, got 21",
            "workers: {heap: 0k}                           | /workers/heap: must be between 64m and 4096g (a JVM heap as -Xmx takes it: digits with an optional k, m or g), got '0k'",
            "workers: {heap: 9999999g}                     | /workers/heap: must be between 64m and 4096g (a JVM heap as -Xmx takes it: digits with an optional k, m or g), got '9999999g'",
            "workers: {heap: 8m}                           | /workers/heap: must be between 64m and 4096g (a JVM heap as -Xmx takes it: digits with an optional k, m or g), got '8m'",
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
                        "/budget/max_trials: must be between 1 and 1000000000, got 0",
                        "/search/population: must be between 2 and 100000, got 1"));
    }

    /** Every value has a stated range, so that none is read past it (a long cast to int, a sentinel value). */
    @Test
    void everyNumberInTheSchemaHasARangeAndEveryStringAMaximumLength() {
        List<String> unbounded = new ArrayList<>();
        collectUnbounded(ConfigSchema.schema(), "", unbounded);
        assertThat(unbounded).isEmpty();
    }

    private static void collectUnbounded(JsonNode schema, String at, List<String> out) {
        if (schema.isObject()) {
            String type = schema.path("type").asString("");
            boolean low = schema.has("minimum") || schema.has("exclusiveMinimum");
            boolean high = schema.has("maximum") || schema.has("exclusiveMaximum");
            if ((type.equals("integer") || type.equals("number")) && !(low && high)) {
                out.add(at + " (" + type + " without both bounds)");
            }
            if (type.equals("string") && !schema.has("maxLength")) {
                out.add(at + " (string without maxLength)");
            }
            // An "if" only tests a value's type; the "then" or "else" beside it holds the rule.
            schema.properties().stream().filter(e -> !e.getKey().equals("if"))
                    .forEach(e -> collectUnbounded(e.getValue(), at + "/" + e.getKey(), out));
        } else if (schema.isArray()) {
            for (int i = 0; i < schema.size(); i++) {
                collectUnbounded(schema.get(i), at + "/" + i, out);
            }
        }
    }

    @Test
    void longStringsAreRefusedWithTheirLengthNotTheirText() {
        assertThatThrownBy(() -> StudyConfigReader.read("name: t\ndescription: " + "x".repeat(10_001) + "\n"))
                .hasMessage("/description: must be at most 10000 characters, got 10001");
        assertThat(StudyConfigReader.read("name: t\ndescription: " + "x".repeat(10_000) + "\n").description())
                .hasSize(10_000);
        // One problem for a long name: its pattern's failure would repeat the whole name.
        assertThatThrownBy(() -> StudyConfigReader.read("name: " + "n".repeat(5000) + "\n"))
                .hasMessage("/name: must be at most 64 characters, got 5000");
        // A value shown in a message is cut short.
        assertThatThrownBy(() -> StudyConfigReader.read("name: t\nsearch: {strategy: " + "e".repeat(150) + "}\n"))
                .hasMessageEndingWith(", got '" + "e".repeat(60) + "...' (150 characters)");
    }

    /** A 50 MB file (the issue's spinning description) is refused by its size, before it is read or parsed. */
    @Test
    void configFilesAboveOneMebibyteAreRefusedBeforeTheyAreRead(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("huge.yaml");
        Files.writeString(file, "name: huge\ndescription: ");
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(50L << 20);
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> StudyConfigReader.readFile(file)).isInstanceOf(ConfigException.class)
                .hasMessage("/: the config is 52,428,800 bytes, above the maximum of 1,048,576 (1 MiB)");
        assertThat(System.nanoTime() - start).as("refused in well under a second").isLessThan(300_000_000L);
        assertThatThrownBy(() -> StudyConfigReader.read("name: t\n#" + "c".repeat(1 << 20) + "\n"))
                .hasMessageStartingWith("/: the config is 1,048,5");
    }

    @Test
    void duplicateKeysAreRefusedNamingTheKeyAndBothLines() {
        assertThatThrownBy(() -> StudyConfigReader.read("name: a\nseed: 3\nname: b\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/name: the key 'name' appears twice, on lines 1 and 3; keep one");
        assertThatThrownBy(() -> StudyConfigReader.read("name: a\nbudget:\n  max_trials: 10\n  max_trials: 20\n"))
                .hasMessage("/budget/max_trials: the key 'max_trials' appears twice, on lines 3 and 4; keep one");
    }

    @Test
    void largeNumbersMayBeWrittenInExponentNotation() {
        StudyConfig c = StudyConfigReader.read("name: t\nconstraints: {max_params: 2e6}\nbudget: {max_training_flops: 1e15}\n");
        assertThat(c.constraints().maxParams()).isEqualTo(2_000_000);
        assertThat(c.budget().maxTrainingFlops()).isEqualTo(1e15);
        assertThat(c.budget().maxTrials()).isEqualTo(Long.MAX_VALUE);
    }
}
