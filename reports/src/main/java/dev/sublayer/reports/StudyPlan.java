package dev.sublayer.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What a study set out to do, as far as the report needs it: the objectives it minimises, its compute
 * budget and its strategy. The search passes its own plan to {@link ReportWriter}; {@code sublayer report}
 * reads it from the stored resolved configuration with {@link #fromConfig(String)}.
 *
 * @param objectives       the minimised objectives, in the study's order; not empty, no duplicates
 * @param maxTrials        the study's trial budget (candidates trained at rung 0, promotions and
 *                         re-evaluations not counted), if it has one
 * @param maxGenerations   the study's generation budget, if it has one
 * @param maxWallHours     the study's wall-clock budget in hours, if it has one
 * @param maxTrainingFlops the study's training-FLOPs budget, if it has one
 * @param strategy         the strategy's name (e.g. {@code nsga2}), or empty when unknown
 */
public record StudyPlan(
        List<Objective> objectives,
        OptionalLong maxTrials,
        OptionalLong maxGenerations,
        OptionalDouble maxWallHours,
        OptionalDouble maxTrainingFlops,
        String strategy) {

    private static final Logger LOG = LogManager.getLogger(StudyPlan.class);

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
        strategy = strategy == null ? "" : strategy;
    }

    /** The default objectives, no budget, strategy unknown. */
    public static StudyPlan defaults() {
        return new StudyPlan(Objective.defaults(), OptionalLong.empty(), OptionalLong.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), "");
    }

    /**
     * Reads the plan from a study configuration (YAML or JSON). The report must open any stored study, so this
     * is lenient: what it does not find, or cannot read, falls back to {@link #defaults()}. It reads
     * {@code objectives} (a list of names, or of mappings with {@code name}), {@code budget} (or
     * {@code study_budget}) with {@code max_trials}, {@code max_generations}, {@code max_wall_hours} and
     * {@code max_training_flops}, and
     * {@code strategy} (a name, or a mapping with {@code name} or {@code type}; also under {@code search}).
     */
    public static StudyPlan fromConfig(String configText) {
        StudyPlan d = defaults();
        if (configText == null || configText.isBlank()) {
            return d;
        }
        JsonNode root;
        try {
            root = YAMLMapper.builder().build().readTree(configText);
        } catch (JacksonException e) {
            LOG.debug("study config is not readable YAML; the report uses default objectives", e);
            return d;
        }
        if (root == null || !root.isObject()) {
            return d;
        }
        List<Objective> objectives = readObjectives(root.get("objectives"));
        JsonNode budget = first(root, "budget", "study_budget");
        OptionalLong maxTrials = OptionalLong.empty();
        OptionalLong maxGenerations = OptionalLong.empty();
        OptionalDouble maxHours = OptionalDouble.empty();
        OptionalDouble maxFlops = OptionalDouble.empty();
        if (budget != null && budget.isObject()) {
            maxTrials = positiveLong(first(budget, "max_trials", "trials"));
            maxGenerations = positiveLong(first(budget, "max_generations", "generations"));
            maxHours = positive(first(budget, "max_wall_hours", "max_hours", "wall_hours"));
            maxFlops = positive(first(budget, "max_training_flops", "training_flops"));
        }
        String strategy = strategyName(root.get("strategy"));
        JsonNode search = root.get("search");
        if (strategy.isEmpty() && search != null && search.isObject()) {
            strategy = strategyName(first(search, "strategy", "name", "type"));
        }
        return new StudyPlan(objectives.isEmpty() ? d.objectives() : objectives, maxTrials, maxGenerations, maxHours,
                maxFlops, strategy);
    }

    private static List<Objective> readObjectives(JsonNode node) {
        List<Objective> out = new ArrayList<>();
        if (node == null || !node.isArray()) {
            return out;
        }
        for (JsonNode item : node) {
            JsonNode name = item.isObject() ? first(item, "name", "objective", "metric") : item;
            if (name == null || !name.isString()) {
                continue;
            }
            try {
                Objective o = Objective.fromConfigName(name.stringValue());
                if (!out.contains(o)) {
                    out.add(o);
                }
            } catch (IllegalArgumentException e) {
                LOG.debug("report ignores objective: {}", e.getMessage());
            }
        }
        return out;
    }

    private static String strategyName(JsonNode node) {
        if (node == null) {
            return "";
        }
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isObject()) {
            JsonNode n = first(node, "name", "type", "kind", "algorithm");
            return n != null && n.isString() ? n.stringValue() : "";
        }
        return "";
    }

    private static OptionalLong positiveLong(JsonNode n) {
        return n != null && n.isNumber() && n.asDouble() >= 1 ? OptionalLong.of(n.asLong()) : OptionalLong.empty();
    }

    private static OptionalDouble positive(JsonNode n) {
        return n != null && n.isNumber() && n.asDouble() > 0 ? OptionalDouble.of(n.asDouble()) : OptionalDouble.empty();
    }

    private static JsonNode first(JsonNode parent, String... keys) {
        for (String k : keys) {
            JsonNode n = parent.get(k);
            if (n != null && !n.isNull()) {
                return n;
            }
        }
        return null;
    }
}
