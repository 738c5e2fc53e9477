package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code fixed} strategy: labelled layouts, each trained with N seeds, named in the store. */
class FixedLayoutsTest {

    @TempDir
    Path tmp;

    private static String yaml(String search, String rungs) {
        return """
                name: fixed
                seed: 3
                search_space:
                  depth: {min: 2, max: 6}
                  kinds: [attention, ffn, deep_ffn]
                  ffn_widths: [32, 64, 128]
                  heads: [2]
                  residual: [true]
                  deep_ffn_layers: [2]
                  d_model: [32]
                  context: 16
                data: {corpus: europarl, batch_size: 4, validation_batches: 1}
                fidelity:
                  rungs: %s
                  keep_fraction: 1.0
                search:
                %s
                budget: {max_trials: 50}
                reevaluation: {seeds: 0}
                workers: {count: 2, threads: 1, mode: in_process}
                """.formatted(rungs, search.indent(2));
    }

    private static final String LAYOUTS = """
            strategy: fixed
            seeds: 3
            layouts:
              - {label: interleaved, architecture: "A2 F64 A2 F64"}
              - {label: stacked_2, architecture: "A2 F32 F32 A2 F32 F32"}
              - {label: deep, architecture: "A2 D32x2 A2 D32x2"}
              - {label: sandwich, template: sandwich_1, depth: 4}
            """;

    @Test
    void trainsEveryLayoutWithEverySeedUnderItsLabelAndOnlyOnce() {
        String config = yaml(LAYOUTS, "[{max_steps: 10}]");
        StubEngine.Counters counters = new StubEngine.Counters();
        SearchOutcome o = TestStudies.open(config, tmp.resolve("s"), TestStudies.stub(counters, 0))
                .run(SearchListener.NONE);
        assertThat(o.reason()).contains("all 4 fixed layouts trained");
        assertThat(counters.calls.values().stream().mapToLong(java.util.concurrent.atomic.AtomicLong::get).sum())
                .isEqualTo(12);
        try (StudyStore store = StudyStore.openReadOnly(tmp.resolve("s"))) {
            List<TrialRecord> trials = store.trials();
            assertThat(trials).hasSize(12).allMatch(t -> t.status() == TrialStatus.COMPLETED);
            Map<String, List<TrialRecord>> byStrategy = trials.stream()
                    .collect(Collectors.groupingBy(t -> t.origin().text()));
            assertThat(byStrategy.keySet()).containsExactlyInAnyOrder("layout:interleaved", "layout:stacked_2",
                    "layout:deep", "layout:sandwich");
            // Three distinct seeds of one architecture per label.
            byStrategy.forEach((label, list) -> {
                assertThat(list).hasSize(3);
                assertThat(list.stream().map(TrialRecord::architecture).distinct()).hasSize(1);
                assertThat(list.stream().map(TrialRecord::seed).distinct()).hasSize(3);
            });
            assertThat(byStrategy.get("layout:sandwich").getFirst().architecture()).endsWith("A2 A2 F64 F64");
        }
        assertThat(o.reevaluation().members()).isNotEmpty();
        assertThat(o.reevaluation().members().values()).allMatch(st -> st.n() == 3);
        // The front holds each layout's own trial (generation 0, the study's first seed), never a replicate seed.
        assertThat(o.front().members()).isNotEmpty().allMatch(m -> m.generation() == 0);
        StubEngine.Counters again = new StubEngine.Counters();
        TestStudies.open(config, tmp.resolve("s"), TestStudies.stub(again, 0)).run(SearchListener.NONE);
        assertThat(again.calls).isEmpty();
    }

    @Test
    void badLayoutsAreRefusedNamingThePath() {
        assertError(LAYOUTS.replace("A2 F32 F32 A2 F32 F32", "A2 F48 A2 F32"),
                "/search/layouts/1: architecture");
        assertError(LAYOUTS.replace("label: deep", "label: interleaved"),
                "/search/layouts/2/label: duplicate label 'interleaved'");
        assertError(LAYOUTS.replace("A2 D32x2 A2 D32x2", "A2 F64 A2 F64"),
                "/search/layouts/2: same architecture as layout 'interleaved'");
        assertError(LAYOUTS.replace(", depth: 4", ""), "/search/layouts/3/depth: a template layout needs a depth");
        assertError(LAYOUTS.replace("A2 F64 A2 F64", "A2 X64"), "/search/layouts/0/architecture:");
        assertError(LAYOUTS.replace("strategy: fixed", "strategy: nsga2"),
                "/search/layouts: only the fixed strategy trains layouts");
        assertError("strategy: fixed\nseeds: 3\n", "/search/layouts: the fixed strategy needs at least one layout");
        assertError(LAYOUTS.replace("seeds: 3", "seeds: 0"), "/search/seeds");
        assertThatThrownBy(() -> TestStudies.config(yaml(LAYOUTS, "[{max_steps: 10}, {max_steps: 20}]")
                .replace("keep_fraction: 1.0", "keep_fraction: 0.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/fidelity/keep_fraction: the fixed strategy trains every layout on every rung");
    }

    @Test
    void layoutsWithoutHeaderTakeTheSpaceShape() {
        StudyConfig c = TestStudies.config(yaml(LAYOUTS, "[{max_steps: 10}]"));
        assertThat(c.search().layouts()).hasSize(4);
        assertThat(c.search().layouts().getFirst().architecture().canonical()).isEqualTo("d32 n16 pre: A2 F64 A2 F64");
        assertThat(c.search().seeds()).isEqualTo(3);
    }

    /** The committed FFN-stacking studies are valid and their resolved form reads back to the same config. */
    @Test
    void committedStudiesReadAndRoundTrip() throws Exception {
        Path studies = Path.of("..", "studies");
        for (String file : List.of("ffn-stacking.yaml", "ffn-stacking-mqar.yaml", "ffn-stacking-facts.yaml",
                "ffn-stacking-flops.yaml", "ffn-stacking-search.yaml", "ffn-stacking-facts-orders.yaml")) {
            StudyConfig c = dev.sublayer.search.config.StudyConfigReader.readFile(studies.resolve(file));
            assertThat(dev.sublayer.search.config.StudyConfigReader.read(
                    dev.sublayer.search.config.StudyConfigWriter.resolvedYaml(c))).as(file).isEqualTo(c);
        }
    }

    private static void assertError(String search, String message) {
        assertThatThrownBy(() -> TestStudies.config(yaml(search, "[{max_steps: 10}]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }
}
