package dev.sublayer.search;

import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.ConfigSchema;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.config.StudyConfigWriter;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.trial.StrictJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * New totals for some of a study's budget limits ({@code sublayer study budget}): each given limit replaces the
 * study's, the others stay. The values obey the rules of the config's {@code budget} section (the config schema
 * checks them), so a change never makes a config that the study could not have been created with. A limit below
 * what the study has already spent ends it cleanly: the search stops before its next generation, as when a budget
 * runs out.
 *
 * @param maxTrials        the new {@code max_trials}, if it changes
 * @param maxGenerations   the new {@code max_generations}, if it changes
 * @param maxWallHours     the new {@code max_wall_hours}, if it changes
 * @param maxTrainingFlops the new {@code max_training_flops}, if it changes
 */
public record BudgetChange(OptionalLong maxTrials, OptionalLong maxGenerations, OptionalDouble maxWallHours,
                           OptionalDouble maxTrainingFlops) {

    /** The config keys of the limits, in the order of this record. */
    public static final List<String> KEYS = List.of("max_trials", "max_generations", "max_wall_hours",
            "max_training_flops");

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    /**
     * Checks the limits against the config schema's rules.
     *
     * @throws ConfigException naming each bad limit by its path ({@code /budget/max_trials: must be between 1 and 1000000000, got 0});
     *                         {@code /budget} when no limit is given
     */
    public BudgetChange {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            OptionalDouble v = i == 0 ? maxWallHours : maxTrainingFlops;
            if (v.isPresent() && !Double.isFinite(v.getAsDouble())) {
                problems.add("/budget/" + KEYS.get(2 + i) + ": must be a finite number > 0, got " + v.getAsDouble());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        ObjectNode budget = budgetNode(maxTrials, maxGenerations, maxWallHours, maxTrainingFlops);
        if (budget.isEmpty()) {
            throw ConfigException.at("/budget", "give at least one limit to change: " + String.join(", ", KEYS));
        }
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("name", "budget-change");
        config.set("budget", budget);
        problems = ConfigSchema.validate(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /**
     * A change of the limits that are not null.
     *
     * @throws ConfigException as the canonical constructor
     */
    public static BudgetChange of(Long maxTrials, Long maxGenerations, Double maxWallHours, Double maxTrainingFlops) {
        return new BudgetChange(maxTrials == null ? OptionalLong.empty() : OptionalLong.of(maxTrials),
                maxGenerations == null ? OptionalLong.empty() : OptionalLong.of(maxGenerations),
                maxWallHours == null ? OptionalDouble.empty() : OptionalDouble.of(maxWallHours),
                maxTrainingFlops == null ? OptionalDouble.empty() : OptionalDouble.of(maxTrainingFlops));
    }

    /** This change with the limits {@code later} gives replacing this one's (two requests made one). */
    public BudgetChange then(BudgetChange later) {
        return new BudgetChange(later.maxTrials.isPresent() ? later.maxTrials : maxTrials,
                later.maxGenerations.isPresent() ? later.maxGenerations : maxGenerations,
                later.maxWallHours.isPresent() ? later.maxWallHours : maxWallHours,
                later.maxTrainingFlops.isPresent() ? later.maxTrainingFlops : maxTrainingFlops);
    }

    /** {@code budget} with the limits of this change. */
    public StudyConfig.StudyBudget applyTo(StudyConfig.StudyBudget budget) {
        return new StudyConfig.StudyBudget(maxTrials.orElse(budget.maxTrials()),
                maxGenerations.orElse(budget.maxGenerations()), maxWallHours.orElse(budget.maxWallHours()),
                maxTrainingFlops.orElse(budget.maxTrainingFlops()));
    }

    /** The new limits, e.g. {@code max_trials 30, max_wall_hours 2}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        maxTrials.ifPresent(v -> parts.add("max_trials " + limit(v)));
        maxGenerations.ifPresent(v -> parts.add("max_generations " + limit(v)));
        maxWallHours.ifPresent(v -> parts.add("max_wall_hours " + limit(v)));
        maxTrainingFlops.ifPresent(v -> parts.add("max_training_flops " + limit(v)));
        return String.join(", ", parts);
    }

    /** What changes from {@code before}, e.g. {@code max_trials 24 -> 30, max_wall_hours unlimited -> 2}. */
    public String describe(StudyConfig.StudyBudget before) {
        StudyConfig.StudyBudget after = applyTo(before);
        List<String> parts = new ArrayList<>();
        if (maxTrials.isPresent()) {
            parts.add("max_trials " + limit(before.maxTrials()) + " -> " + limit(after.maxTrials()));
        }
        if (maxGenerations.isPresent()) {
            parts.add("max_generations " + limit(before.maxGenerations()) + " -> " + limit(after.maxGenerations()));
        }
        if (maxWallHours.isPresent()) {
            parts.add("max_wall_hours " + limit(before.maxWallHours()) + " -> " + limit(after.maxWallHours()));
        }
        if (maxTrainingFlops.isPresent()) {
            parts.add("max_training_flops " + limit(before.maxTrainingFlops()) + " -> "
                    + limit(after.maxTrainingFlops()));
        }
        return String.join(", ", parts);
    }

    /**
     * The study info with this change made to its stored config: the budget section of the config as given is
     * replaced by the new limits (the rest of the text, comments included, stays as written; a config whose
     * budget cannot be found as a top-level block is written out again as YAML, without its comments), and the
     * resolved config is written anew.
     *
     * @throws ConfigException if the stored config cannot be read
     */
    public StudyInfo applyTo(StudyInfo info) {
        StudyConfig config = StudyConfigReader.read(info.configAsGiven());
        StudyConfig changed = config.withBudget(applyTo(config.budget()));
        String text = withBudget(info.configAsGiven(), changed);
        return new StudyInfo(info.name(), info.description(), info.seed(), text,
                StudyConfigWriter.resolvedYaml(changed), info.status(), info.created(), info.finished(),
                info.command(), info.provenance());
    }

    /** The config text {@code text} with its budget section replaced by {@code changed}'s budget. */
    static String withBudget(String text, StudyConfig changed) {
        ObjectNode budget = budgetNode(changed.budget());
        StringBuilder flow = new StringBuilder("budget: {");
        int i = 0;
        for (String k : budget.propertyNames()) {
            flow.append(i++ == 0 ? "" : ", ").append(k).append(": ").append(budget.get(k).toString());
        }
        flow.append('}');
        String edited = replaceBlock(text, flow.toString());
        if (edited != null && sameConfig(edited, changed)) {
            return edited;
        }
        ObjectNode root = (ObjectNode) StudyConfigReader.parse(text);
        root.set("budget", budget);
        String written = YAML.writeValueAsString(root);
        if (!sameConfig(written, changed)) {
            throw new IllegalStateException("the study's config could not be rewritten with the new budget");
        }
        return written;
    }

    /** {@code text} with its top-level {@code budget:} block replaced by {@code line}; null if it has none. */
    private static String replaceBlock(String text, String line) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("budget\\s*:.*")) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            if (text.isBlank() || text.stripLeading().startsWith("{")) {
                return null;
            }
            return text + (text.endsWith("\n") ? "" : "\n") + line + "\n";
        }
        int end = start + 1;
        while (end < lines.size() && (lines.get(end).isBlank() || Character.isWhitespace(lines.get(end).charAt(0)))) {
            end++;
        }
        while (end > start + 1 && lines.get(end - 1).isBlank()) {
            end--; // keep the blank lines before the next section
        }
        lines.subList(start, end).clear();
        lines.add(start, line);
        return String.join("\n", lines) + (text.endsWith("\n") ? "\n" : "");
    }

    private static boolean sameConfig(String text, StudyConfig expected) {
        try {
            return StudyConfigWriter.toNode(StudyConfigReader.read(text)).equals(StudyConfigWriter.toNode(expected));
        } catch (ConfigException e) {
            return false;
        }
    }

    /** The budget section of {@code budget}: its set limits. */
    private static ObjectNode budgetNode(StudyConfig.StudyBudget budget) {
        return budgetNode(limited(budget.maxTrials()), limited(budget.maxGenerations()),
                limited(budget.maxWallHours()), limited(budget.maxTrainingFlops()));
    }

    private static OptionalLong limited(long v) {
        return v == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalDouble limited(double v) {
        return v == Double.POSITIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private static ObjectNode budgetNode(OptionalLong maxTrials, OptionalLong maxGenerations,
                                         OptionalDouble maxWallHours, OptionalDouble maxTrainingFlops) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        maxTrials.ifPresent(v -> n.put(KEYS.get(0), v));
        maxGenerations.ifPresent(v -> n.put(KEYS.get(1), v));
        // Finite doubles as decimals with a signed exponent where one is needed: YAML reads them as numbers.
        maxWallHours.ifPresent(v -> n.put(KEYS.get(2), decimal(v)));
        maxTrainingFlops.ifPresent(v -> n.put(KEYS.get(3), decimal(v)));
        return n;
    }

    private static BigDecimal decimal(double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v) : BigDecimal.ZERO;
    }

    // ------------------------------------------------------------------ JSON (the request file)

    /** The change as a JSON object of the limits it sets, e.g. {@code {"max_trials":30}}. */
    public String toJson() {
        return StrictJson.text(budgetNode(maxTrials, maxGenerations, maxWallHours, maxTrainingFlops));
    }

    /**
     * The change written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if {@code json} is not such an object (or its limits break the rules)
     */
    public static BudgetChange fromJson(String json) {
        JsonNode n = StrictJson.parse(json);
        if (!n.isObject()) {
            throw new IllegalArgumentException("a budget change is a JSON object, got " + n.getNodeType());
        }
        for (String k : n.propertyNames()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("a budget change has no key '" + k + "'; keys: "
                        + String.join(", ", KEYS));
            }
        }
        return new BudgetChange(integer(n, KEYS.get(0)), integer(n, KEYS.get(1)), number(n, KEYS.get(2)),
                number(n, KEYS.get(3)));
    }

    private static OptionalLong integer(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(key + " must be an integer, got " + v);
        }
        return OptionalLong.of(v.longValue());
    }

    private static OptionalDouble number(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null) {
            return OptionalDouble.empty();
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(key + " must be a number, got " + v);
        }
        return OptionalDouble.of(v.doubleValue());
    }

    private static String limit(long v) {
        return v == Long.MAX_VALUE ? "unlimited" : Long.toString(v);
    }

    private static String limit(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "unlimited";
        }
        if (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3) {
            return String.format(Locale.ROOT, "%.4g", v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
