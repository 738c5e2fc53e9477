package dev.sublayer.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The study-level vocabulary: origins, objective measures, fronts and budget use. */
class StudySemanticsTest {

    private static final Provenance P = new Provenance("v", "c", "jdk", "dl4j", "b", "cpu", "os", "h");

    @Test
    void everyStoredOriginTextReadsBackToItself() {
        for (String text : List.of("nsga2", "random", "regularized_evolution", "", "template:sandwich_2", "template:",
                "layout:stacked_2", "layout:", "reeval", "reevaluation", "Template:x", "x:template:y")) {
            assertThat(Origin.parse(text).text()).as(text).isEqualTo(text);
        }
        assertThat(Origin.parse("reeval")).isEqualTo(Origin.reevaluation());
        assertThat(Origin.parse("reeval").isReevaluation()).isTrue();
        assertThat(Origin.parse("template:sandwich_2")).isEqualTo(Origin.template("sandwich_2"));
        assertThat(Origin.parse("layout:deep")).isEqualTo(Origin.layout("deep"));
        assertThat(Origin.parse("nsga2")).isEqualTo(Origin.proposal("nsga2"));
        assertThat(Origin.template("sandwich_2").text()).isEqualTo("template:sandwich_2");
        assertThat(Origin.layout("deep").text()).isEqualTo("layout:deep");
    }

    @Test
    void originsDescribeThemselvesForTablesAndCounts() {
        assertThat(Origin.template("macaron").describe()).isEqualTo("template macaron");
        assertThat(Origin.layout("deep").describe()).isEqualTo("layout deep");
        assertThat(Origin.proposal("nsga2").describe()).isEqualTo("nsga2");
        assertThat(Origin.template("macaron").proposer()).isEqualTo("template");
        assertThat(Origin.layout("deep").proposer()).isEqualTo("layout");
        assertThat(Origin.proposal("").proposer()).isEqualTo("?");
        assertThat(Origin.template("macaron").layoutName()).contains("macaron");
        assertThat(Origin.proposal("nsga2").layoutName()).isEmpty();
        // A proposal named like another origin would not read back as itself.
        assertThatThrownBy(() -> Origin.proposal("template:x")).hasMessageContaining("Origin.parse");
        assertThatThrownBy(() -> Origin.proposal("reeval")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void objectiveMeasuresHaveOneDefinition() {
        Architecture a = Notation.parse("d64 n64 pre: A2 F64");
        TrialMetrics m = new TrialMetrics(1.4, 2.0, 0.3, 9000, 4000, 18000, 1e9, 10, 640, 0.5, 2.0, 0.25, 320,
                100L << 20, 30L << 20);
        TrialResult r = new TrialResult(TrialStatus.COMPLETED, m, List.of(), "", P);
        assertThat(ObjectiveKind.WALL_SECONDS.measure(r, a, ModelShape.bytes())).isEqualTo(2.75);
        assertThat(ObjectiveKind.PEAK_MEMORY_BYTES.measure(r, a, ModelShape.bytes())).isEqualTo(130.0 * (1 << 20));
        assertThat(ObjectiveKind.NON_EMBEDDING_PARAMS.measure(r, a, ModelShape.bytes())).isEqualTo(4000);
        // Unmeasured size and cost come from the cost model; unmeasured memory is unknown.
        TrialResult none = new TrialResult(TrialStatus.REJECTED, TrialMetrics.none(), List.of(), "too big", P);
        assertThat(ObjectiveKind.NON_EMBEDDING_PARAMS.measure(none, a, ModelShape.bytes()))
                .isEqualTo(ObjectiveKind.NON_EMBEDDING_PARAMS.predict(a, ModelShape.bytes())).isPositive();
        assertThat(ObjectiveKind.PEAK_MEMORY_BYTES.measure(none, a, ModelShape.bytes())).isNaN();
        assertThat(ObjectiveKind.fromConfigName("Wall_Seconds")).isEqualTo(ObjectiveKind.WALL_SECONDS);
        // The stored metrics' names are the objective names where an objective is a stored metric.
        List<String> metricNames = new ArrayList<>(TrialJson.toNode(m).propertyNames());
        assertThat(metricNames).contains(ObjectiveKind.VALID_BITS_PER_BYTE.configName(),
                ObjectiveKind.NON_EMBEDDING_PARAMS.configName(), ObjectiveKind.FLOPS_PER_TOKEN.configName());
    }

    @Test
    void frontAndBudgetUseRoundTripThroughJsonExactly() {
        StudyFront front = new StudyFront(List.of(ObjectiveKind.VALID_BITS_PER_BYTE, ObjectiveKind.WALL_SECONDS), 2,
                0.123456789012345, List.of(
                        new StudyFront.Member("k1", "d64 n64 pre: A2 F64", 2, 7, Origin.proposal("nsga2"),
                                new double[] {1.0 / 3, 12.5}),
                        new StudyFront.Member("k2", "d64 n64 pre: A2 F64 F64", 2, 0, Origin.template("sandwich_1"),
                                new double[] {0.1, 1e-300})));
        assertThat(TrialJson.studyFrontFromNode(StrictJson.parse(StrictJson.text(TrialJson.toNode(front))), ""))
                .isEqualTo(front);
        StudyFront empty = StudyFront.empty(List.of(ObjectiveKind.NON_EMBEDDING_PARAMS));
        assertThat(TrialJson.studyFrontFromNode(TrialJson.toNode(empty), "")).isEqualTo(empty);
        BudgetUse use = new BudgetUse(27, 6.5e12, 81.25, 9);
        assertThat(TrialJson.budgetUseFromNode(StrictJson.parse(StrictJson.text(TrialJson.toNode(use))), ""))
                .isEqualTo(use);
        assertThatThrownBy(() -> TrialJson.studyFrontFromNode(StrictJson.parse(
                "{\"objectives\":[\"accuracy\"],\"rung\":-1,\"hypervolume\":0,\"members\":[]}"), "/front"))
                .hasMessageStartingWith("/front/objectives/0: must be one of [valid_bits_per_byte");
    }

    private record Trial(String architecture, long seed, int rung, int generation, Origin origin, TrialResult result)
            implements RecordedTrial {
    }

    private static Trial trial(String arch, long seed, int rung, int generation, Origin origin, TrialStatus status,
                               double flops) {
        TrialMetrics m = new TrialMetrics(1, 1, 1, 1, 1, 1, flops, 1, 1, 1, 1, 1, 1, 1, 1);
        return new Trial(arch, seed, rung, generation, origin, new TrialResult(status, m, List.of(), "", P));
    }

    @Test
    void budgetUseCountsCandidatesFlopsAndSessionsAsTheSearchDoes() {
        Origin nsga2 = Origin.proposal("nsga2");
        List<Trial> trials = List.of(
                trial("A", 1, 0, 0, nsga2, TrialStatus.COMPLETED, 1e9),
                trial("A", 1, 1, 0, nsga2, TrialStatus.COMPLETED, 3e9),      // continues rung 0: 3e9 in all
                trial("A", 2, 1, -1, Origin.reevaluation(), TrialStatus.COMPLETED, 2.5e9),
                trial("B", 1, 0, 1, nsga2, TrialStatus.REJECTED, 0),
                trial("C", 1, 0, 1, nsga2, TrialStatus.DIVERGED, 0.5e9),
                trial("D", 1, 0, 2, nsga2, TrialStatus.INTERRUPTED, 0.7e9)); // not finished: not counted
        assertThat(BudgetUse.candidates(trials, BudgetUse.ALL_GENERATIONS)).isEqualTo(3);
        assertThat(BudgetUse.candidates(trials, 0)).isEqualTo(1);
        assertThat(BudgetUse.trainingFlops(trials, BudgetUse.ALL_GENERATIONS)).isEqualTo(6e9);
        assertThat(BudgetUse.trainingFlops(trials, 0)).as("re-evaluations, generation -1, included").isEqualTo(5.5e9);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<Session> sessions = List.of(new Session(t0, t0.plusSeconds(100)),
                new Session(t0.plusSeconds(10_000), t0.plusMillis(10_050_500)));
        assertThat(BudgetUse.of(trials, sessions, 4)).isEqualTo(new BudgetUse(3, 6e9, 150.5, 4));
        assertThatThrownBy(() -> new Session(t0, t0.minusSeconds(1))).hasMessageContaining("before its start");
    }
}
