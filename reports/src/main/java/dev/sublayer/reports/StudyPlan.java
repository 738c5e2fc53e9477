package dev.sublayer.reports;

import dev.sublayer.trial.ObjectiveKind;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What a study set out to do, as far as the report needs it: the objectives it minimises, its budget limits and
 * its strategy. The report does not read study configurations itself: the caller passes the plan of the config
 * the search runs with ({@code sublayer report} reads the stored config with the search's strict reader).
 *
 * @param objectives       the minimised objectives, in the study's order; not empty, no duplicates
 * @param maxTrials        the study's trial budget (candidates trained at rung 0, re-evaluations not counted),
 *                         if it has one
 * @param maxGenerations   the study's generation budget, if it has one
 * @param maxWallHours     the study's wall-clock budget in hours (the sum of its sessions), if it has one
 * @param maxTrainingFlops the study's training-FLOPs budget, if it has one
 * @param strategy         the strategy's config name (e.g. {@code nsga2})
 */
public record StudyPlan(
        List<ObjectiveKind> objectives,
        OptionalLong maxTrials,
        OptionalLong maxGenerations,
        OptionalDouble maxWallHours,
        OptionalDouble maxTrainingFlops,
        String strategy) {

    public StudyPlan {
        objectives = List.copyOf(objectives);
        if (objectives.isEmpty()) {
            throw new IllegalArgumentException("objectives must not be empty");
        }
        if (objectives.stream().distinct().count() != objectives.size()) {
            throw new IllegalArgumentException("objectives must not repeat, got " + objectives);
        }
        Objects.requireNonNull(maxTrials, "maxTrials");
        Objects.requireNonNull(maxGenerations, "maxGenerations");
        Objects.requireNonNull(maxWallHours, "maxWallHours");
        Objects.requireNonNull(maxTrainingFlops, "maxTrainingFlops");
        Objects.requireNonNull(strategy, "strategy");
    }

    /**
     * The plan of a study minimising {@code objectives} with {@code strategy}, whose budget limits are given as
     * the search's config holds them: {@link Long#MAX_VALUE} or {@link Double#POSITIVE_INFINITY} where unset.
     */
    public static StudyPlan of(List<ObjectiveKind> objectives, long maxTrials, long maxGenerations,
                               double maxWallHours, double maxTrainingFlops, String strategy) {
        return new StudyPlan(objectives,
                maxTrials == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(maxTrials),
                maxGenerations == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(maxGenerations),
                maxWallHours == Double.POSITIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(maxWallHours),
                maxTrainingFlops == Double.POSITIVE_INFINITY ? OptionalDouble.empty()
                        : OptionalDouble.of(maxTrainingFlops),
                strategy);
    }
}
