package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.trial.ObjectiveKind;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StudyPlanTest {

    @Test
    void unsetLimitsOfTheSearchConfigAreAbsentFromThePlan() {
        StudyPlan p = StudyPlan.of(List.of(ObjectiveKind.VALID_BITS_PER_BYTE, ObjectiveKind.WALL_SECONDS), 500,
                Long.MAX_VALUE, 8, Double.POSITIVE_INFINITY, "nsga2");
        assertThat(p.objectives()).containsExactly(ObjectiveKind.VALID_BITS_PER_BYTE, ObjectiveKind.WALL_SECONDS);
        assertThat(p.maxTrials()).isEqualTo(OptionalLong.of(500));
        assertThat(p.maxGenerations()).isEmpty();
        assertThat(p.maxWallHours()).isEqualTo(OptionalDouble.of(8));
        assertThat(p.maxTrainingFlops()).isEmpty();
        assertThat(p.strategy()).isEqualTo("nsga2");
    }

    @Test
    void objectivesAreRequiredAndDistinct() {
        assertThatThrownBy(() -> StudyPlan.of(List.of(), 1, 1, 1, 1, "random"))
                .hasMessage("objectives must not be empty");
        assertThatThrownBy(() -> StudyPlan.of(List.of(ObjectiveKind.WALL_SECONDS, ObjectiveKind.WALL_SECONDS), 1, 1,
                1, 1, "random"))
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
