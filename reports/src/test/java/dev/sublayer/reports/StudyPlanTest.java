package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StudyPlanTest {

    @Test
    void readsObjectivesBudgetAndStrategy() {
        StudyPlan p = StudyPlan.fromConfig("""
                objectives: [bits_per_byte, {name: flops_per_token}, wall_time]
                budget: {max_trials: 500, max_wall_hours: 8, max_training_flops: 1.0e16}
                strategy: {name: nsga2, population: 24}
                """);
        assertThat(p.objectives()).containsExactly(Objective.BITS_PER_BYTE, Objective.FLOPS_PER_TOKEN,
                Objective.WALL_TIME);
        assertThat(p.maxTrials().getAsLong()).isEqualTo(500);
        assertThat(p.maxWallHours().getAsDouble()).isEqualTo(8.0);
        assertThat(p.maxTrainingFlops().getAsDouble()).isEqualTo(1e16);
        assertThat(p.strategy()).isEqualTo("nsga2");
    }

    @Test
    void readsTheSearchModulesStudyConfig() {
        // The shape of studies/reference.yaml (search module).
        StudyPlan p = StudyPlan.fromConfig("""
                name: reference
                objectives:
                  - name: valid_bits_per_byte
                    reference: 8.0
                  - non_embedding_params
                  - {name: wall_seconds, reference: 600}
                search:
                  strategy: regularized_evolution
                  population: 16
                budget:
                  max_trials: 200
                  max_generations: 50
                  max_wall_hours: 12
                  max_training_flops: 1.0e17
                """);
        assertThat(p.objectives()).containsExactly(Objective.BITS_PER_BYTE, Objective.NON_EMBEDDING_PARAMS,
                Objective.WALL_TIME);
        assertThat(p.strategy()).isEqualTo("regularized_evolution");
        assertThat(p.maxTrials().getAsLong()).isEqualTo(200);
        assertThat(p.maxGenerations().getAsLong()).isEqualTo(50);
        assertThat(p.maxWallHours().getAsDouble()).isEqualTo(12);
        assertThat(p.maxTrainingFlops().getAsDouble()).isEqualTo(1e17);
    }

    @Test
    void strategyUnderSearchAndAliases() {
        StudyPlan p = StudyPlan.fromConfig("search: {strategy: random}\nobjectives: [bpb, params]\n");
        assertThat(p.strategy()).isEqualTo("random");
        assertThat(p.objectives()).containsExactly(Objective.BITS_PER_BYTE, Objective.NON_EMBEDDING_PARAMS);
    }

    @Test
    void unreadableOrEmptyConfigFallsBackToDefaults() {
        for (String text : List.of("", "   ", ": : [", "- a list", "objectives: [nonsense]\nbudget: 3\n")) {
            StudyPlan p = StudyPlan.fromConfig(text);
            assertThat(p.objectives()).as(text).isEqualTo(Objective.defaults());
            assertThat(p.maxTrials()).as(text).isEmpty();
        }
    }

    @Test
    void objectiveNamesAreCheckedWithAllowedValues() {
        assertThat(Objective.fromConfigName("Non-Embedding_Params")).isEqualTo(Objective.NON_EMBEDDING_PARAMS);
        assertThatThrownBy(() -> Objective.fromConfigName("accuracy"))
                .hasMessage("objective 'accuracy' is unknown, expected one of bits_per_byte, non_embedding_params, "
                        + "flops_per_token, wall_time, peak_memory");
        assertThatThrownBy(() -> new StudyPlan(List.of(Objective.WALL_TIME, Objective.WALL_TIME),
                java.util.OptionalLong.empty(), java.util.OptionalLong.empty(), java.util.OptionalDouble.empty(),
                java.util.OptionalDouble.empty(), ""))
                .hasMessageContaining("must not repeat");
    }

    @Test
    void formatNames() {
        assertThat(ReportFormat.fromConfigName("md")).isEqualTo(ReportFormat.MARKDOWN);
        assertThat(ReportFormat.fromConfigName(" HTML ")).isEqualTo(ReportFormat.HTML);
        assertThatThrownBy(() -> ReportFormat.fromConfigName("pdf"))
                .hasMessage("format 'pdf' is unknown, expected html or md");
    }
}
