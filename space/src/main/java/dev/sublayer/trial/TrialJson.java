package dev.sublayer.trial;

import static dev.sublayer.trial.StrictJson.arrayAt;
import static dev.sublayer.trial.StrictJson.field;
import static dev.sublayer.trial.StrictJson.figureAt;
import static dev.sublayer.trial.StrictJson.intAt;
import static dev.sublayer.trial.StrictJson.longAt;
import static dev.sublayer.trial.StrictJson.nullableLongAt;
import static dev.sublayer.trial.StrictJson.nullableStringAt;
import static dev.sublayer.trial.StrictJson.object;
import static dev.sublayer.trial.StrictJson.parse;
import static dev.sublayer.trial.StrictJson.putFigure;
import static dev.sublayer.trial.StrictJson.stringAt;
import static dev.sublayer.trial.StrictJson.text;
import static dev.sublayer.trial.StrictJson.wrong;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON form of the trial vocabulary ({@link Budget}, {@link CurvePoint}, {@link TrialMetrics},
 * {@link Provenance}, {@link TrialResult}, {@link StudyFront}, {@link BudgetUse}), shared by the worker protocol,
 * the study store and exports. Its metric keys ({@code non_embedding_params}, {@code flops_per_token}, ...) are
 * the names every Sublayer output uses for these figures.
 *
 * <p>Keys are snake_case. The round trip is exact: reading what {@code write} produced gives a record
 * equal to the original (records compare doubles bit-wise, so {@code NaN}, {@code -0.0} and every finite
 * value survive). JSON has no {@code NaN} or infinities, so:
 * <ul>
 *   <li>an unset {@link Budget} cap ({@link Long#MAX_VALUE}, {@link Double#POSITIVE_INFINITY}) is {@code null};</li>
 *   <li>an unmeasured figure ({@code NaN}) is {@code null};</li>
 *   <li>a measured infinity (e.g. a diverged loss) is the string {@code "Infinity"} or {@code "-Infinity"}.</li>
 * </ul>
 *
 * <p>Reading is strict ({@link StrictJson}): a missing key, a wrong type or an unknown status fails with an
 * {@link IllegalArgumentException} naming the JSON path, the value found and what is allowed. Unknown extra
 * keys are ignored so that a newer writer's additions do not break an older reader.
 */
public final class TrialJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TrialJson() {
    }

    // ---------------------------------------------------------------- TrialResult

    /** The JSON text of a result (one line). */
    public static String write(TrialResult result) {
        return text(toNode(result));
    }

    /** Reads a result written by {@link #write(TrialResult)}. */
    public static TrialResult readResult(String json) {
        return resultFromNode(parse(json));
    }

    /**
     * A result as a JSON object: {@code status} (lower-case name), {@code metrics}, {@code curve} (array of
     * points, oldest first), {@code failure} and {@code provenance}; and {@code "cause": "infrastructure"} for a
     * result a fault of the machine caused (absent for the candidate's own outcomes, so their JSON is what it
     * always was).
     */
    public static ObjectNode toNode(TrialResult result) {
        ObjectNode node = NODES.objectNode();
        node.put("status", result.status().configName());
        node.set("metrics", toNode(result.metrics()));
        ArrayNode curve = node.putArray("curve");
        for (CurvePoint p : result.curve()) {
            curve.add(toNode(p));
        }
        node.put("failure", result.failure());
        node.set("provenance", toNode(result.provenance()));
        if (result.cause() != FailureCause.CANDIDATE) {
            node.put("cause", result.cause().configName());
        }
        return node;
    }

    /** Reads a result from a JSON object made by {@link #toNode(TrialResult)}. */
    public static TrialResult resultFromNode(JsonNode node) {
        return resultAt(node, "");
    }

    /**
     * Reads a {@link TrialResult} embedded in a larger document; {@code path} is its JSON pointer there (e.g.
     * {@code /trials/3/result}), used in error messages.
     */
    public static TrialResult resultFromNode(JsonNode node, String path) {
        return resultAt(node, path);
    }

    private static TrialResult resultAt(JsonNode node, String path) {
        object(node, path);
        JsonNode curveNode = arrayAt(node, path, "curve", "an array of curve points");
        String curvePath = path + "/curve";
        List<CurvePoint> curve = new ArrayList<>(curveNode.size());
        for (int i = 0; i < curveNode.size(); i++) {
            curve.add(curvePointAt(curveNode.get(i), curvePath + "/" + i));
        }
        TrialStatus status = statusAt(field(node, path, "status"), path + "/status");
        return new TrialResult(
                status,
                metricsAt(field(node, path, "metrics"), path + "/metrics"),
                curve,
                stringAt(node, path, "failure"),
                provenanceAt(field(node, path, "provenance"), path + "/provenance"),
                causeAt(node, path, status));
    }

    private static FailureCause causeAt(JsonNode node, String path, TrialStatus status) {
        if (!node.has("cause")) {
            return FailureCause.CANDIDATE;
        }
        JsonNode c = node.get("cause");
        if (c.isString()) {
            for (FailureCause f : FailureCause.values()) {
                if (f.configName().equals(c.stringValue())) {
                    if (f == FailureCause.INFRASTRUCTURE && status != TrialStatus.FAILED
                            && status != TrialStatus.INTERRUPTED) {
                        throw wrong(path + "/cause", c, "absent for a " + status.configName() + " trial (only a "
                                + "failed or interrupted one can have the cause " + f.configName() + ")");
                    }
                    return f;
                }
            }
        }
        List<String> allowed = new ArrayList<>();
        for (FailureCause f : FailureCause.values()) {
            allowed.add(f.configName());
        }
        throw wrong(path + "/cause", c, "one of " + allowed);
    }

    private static TrialStatus statusAt(JsonNode node, String path) {
        if (node.isString()) {
            for (TrialStatus s : TrialStatus.values()) {
                if (s.configName().equals(node.stringValue())) {
                    return s;
                }
            }
        }
        List<String> allowed = new ArrayList<>();
        for (TrialStatus s : TrialStatus.values()) {
            allowed.add(s.configName());
        }
        throw wrong(path, node, "one of " + allowed);
    }

    // ---------------------------------------------------------------- Budget

    /** The JSON text of a budget (one line). */
    public static String write(Budget budget) {
        return text(toNode(budget));
    }

    /** Reads a budget written by {@link #write(Budget)}. */
    public static Budget readBudget(String json) {
        return budgetFromNode(parse(json));
    }

    /**
     * A budget as a JSON object {@code max_steps, max_tokens, max_seconds, max_training_flops}; an unset cap
     * is {@code null}.
     */
    public static ObjectNode toNode(Budget budget) {
        ObjectNode node = NODES.objectNode();
        putCapLong(node, "max_steps", budget.maxSteps());
        putCapLong(node, "max_tokens", budget.maxTokens());
        putCapDouble(node, "max_seconds", budget.maxSeconds());
        putCapDouble(node, "max_training_flops", budget.maxTrainingFlops());
        return node;
    }

    /** Reads a budget from a JSON object made by {@link #toNode(Budget)}. */
    public static Budget budgetFromNode(JsonNode node) {
        return budgetAt(node, "");
    }

    /**
     * Reads a {@link Budget} embedded in a larger document; {@code path} is its JSON pointer there (e.g.
     * {@code /trials/3/result}), used in error messages.
     */
    public static Budget budgetFromNode(JsonNode node, String path) {
        return budgetAt(node, path);
    }

    private static Budget budgetAt(JsonNode node, String path) {
        object(node, path);
        long steps = nullableLongAt(node, path, "max_steps", Long.MAX_VALUE);
        long tokens = nullableLongAt(node, path, "max_tokens", Long.MAX_VALUE);
        double seconds = capDoubleAt(node, path, "max_seconds");
        double flops = capDoubleAt(node, path, "max_training_flops");
        try {
            return new Budget(steps, tokens, seconds, flops);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((path.isEmpty() ? "/" : path) + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- CurvePoint

    /** A curve point as {@code step, tokens, seconds, train_loss, valid_loss}. */
    public static ObjectNode toNode(CurvePoint point) {
        ObjectNode node = NODES.objectNode();
        node.put("step", point.step());
        node.put("tokens", point.tokens());
        putFigure(node, "seconds", point.seconds());
        putFigure(node, "train_loss", point.trainLoss());
        putFigure(node, "valid_loss", point.validLoss());
        return node;
    }

    /** Reads a curve point from a JSON object made by {@link #toNode(CurvePoint)}. */
    public static CurvePoint curvePointFromNode(JsonNode node) {
        return curvePointAt(node, "");
    }

    /**
     * Reads a {@link CurvePoint} embedded in a larger document; {@code path} is its JSON pointer there (e.g.
     * {@code /trials/3/result}), used in error messages.
     */
    public static CurvePoint curvePointFromNode(JsonNode node, String path) {
        return curvePointAt(node, path);
    }

    private static CurvePoint curvePointAt(JsonNode node, String path) {
        object(node, path);
        return new CurvePoint(
                longAt(node, path, "step"),
                longAt(node, path, "tokens"),
                figureAt(node, path, "seconds"),
                figureAt(node, path, "train_loss"),
                figureAt(node, path, "valid_loss"));
    }

    // ---------------------------------------------------------------- TrialMetrics

    /** Metrics as a JSON object with one snake_case key per component. */
    public static ObjectNode toNode(TrialMetrics m) {
        ObjectNode node = NODES.objectNode();
        putFigure(node, "valid_loss", m.validLoss());
        putFigure(node, "valid_bits_per_byte", m.validBitsPerByte());
        putFigure(node, "valid_accuracy", m.validAccuracy());
        node.put("total_params", m.totalParams());
        node.put("non_embedding_params", m.nonEmbeddingParams());
        node.put("flops_per_token", m.flopsPerToken());
        putFigure(node, "training_flops", m.trainingFlops());
        node.put("steps", m.steps());
        node.put("tokens", m.tokens());
        putFigure(node, "build_seconds", m.buildSeconds());
        putFigure(node, "train_seconds", m.trainSeconds());
        putFigure(node, "eval_seconds", m.evalSeconds());
        putFigure(node, "tokens_per_second", m.tokensPerSecond());
        node.put("peak_heap_bytes", m.peakHeapBytes());
        node.put("peak_native_bytes", m.peakNativeBytes());
        return node;
    }

    /** Reads metrics from a JSON object made by {@link #toNode(TrialMetrics)}. */
    public static TrialMetrics metricsFromNode(JsonNode node) {
        return metricsAt(node, "");
    }

    /**
     * Reads a {@link TrialMetrics} embedded in a larger document; {@code path} is its JSON pointer there (e.g.
     * {@code /trials/3/result}), used in error messages.
     */
    public static TrialMetrics metricsFromNode(JsonNode node, String path) {
        return metricsAt(node, path);
    }

    private static TrialMetrics metricsAt(JsonNode node, String path) {
        object(node, path);
        return new TrialMetrics(
                figureAt(node, path, "valid_loss"),
                figureAt(node, path, "valid_bits_per_byte"),
                figureAt(node, path, "valid_accuracy"),
                longAt(node, path, "total_params"),
                longAt(node, path, "non_embedding_params"),
                longAt(node, path, "flops_per_token"),
                figureAt(node, path, "training_flops"),
                longAt(node, path, "steps"),
                longAt(node, path, "tokens"),
                figureAt(node, path, "build_seconds"),
                figureAt(node, path, "train_seconds"),
                figureAt(node, path, "eval_seconds"),
                figureAt(node, path, "tokens_per_second"),
                longAt(node, path, "peak_heap_bytes"),
                longAt(node, path, "peak_native_bytes"));
    }

    // ---------------------------------------------------------------- Provenance

    /** Provenance as a JSON object; a {@code null} component is JSON {@code null}. */
    public static ObjectNode toNode(Provenance p) {
        ObjectNode node = NODES.objectNode();
        node.put("sublayer_version", p.sublayerVersion());
        node.put("git_commit", p.gitCommit());
        node.put("jdk", p.jdk());
        node.put("engine", p.engine());
        node.put("backend", p.backend());
        node.put("device", p.device());
        node.put("os", p.os());
        node.put("host", p.host());
        return node;
    }

    /** Reads provenance from a JSON object made by {@link #toNode(Provenance)}. */
    public static Provenance provenanceFromNode(JsonNode node) {
        return provenanceAt(node, "");
    }

    /**
     * Reads a {@link Provenance} embedded in a larger document; {@code path} is its JSON pointer there (e.g.
     * {@code /trials/3/result}), used in error messages.
     */
    public static Provenance provenanceFromNode(JsonNode node, String path) {
        return provenanceAt(node, path);
    }

    private static Provenance provenanceAt(JsonNode node, String path) {
        object(node, path);
        return new Provenance(
                nullableStringAt(node, path, "sublayer_version"),
                nullableStringAt(node, path, "git_commit"),
                nullableStringAt(node, path, "jdk"),
                nullableStringAt(node, path, "engine"),
                nullableStringAt(node, path, "backend"),
                nullableStringAt(node, path, "device"),
                nullableStringAt(node, path, "os"),
                nullableStringAt(node, path, "host"));
    }

    // ---------------------------------------------------------------- StudyFront

    /**
     * A front as a JSON object: {@code objectives} (config names), {@code rung}, {@code hypervolume} and
     * {@code members}, each {@code key, architecture, rung, generation, origin} (the origin's text) and
     * {@code values} (an array in objective order).
     */
    public static ObjectNode toNode(StudyFront front) {
        ObjectNode node = NODES.objectNode();
        ArrayNode objectives = node.putArray("objectives");
        front.objectives().forEach(o -> objectives.add(o.configName()));
        node.put("rung", front.rung());
        putFigure(node, "hypervolume", front.hypervolume());
        ArrayNode members = node.putArray("members");
        for (StudyFront.Member m : front.members()) {
            ObjectNode n = members.addObject();
            n.put("key", m.key());
            n.put("architecture", m.architecture());
            n.put("rung", m.rung());
            n.put("generation", m.generation());
            n.put("origin", m.origin().text());
            ArrayNode values = n.putArray("values");
            for (double v : m.values()) {
                ObjectNode holder = NODES.objectNode();
                putFigure(holder, "v", v);
                values.add(holder.get("v"));
            }
        }
        return node;
    }

    /**
     * Reads a {@link StudyFront} embedded in a larger document; {@code path} is its JSON pointer there, used in
     * error messages.
     */
    public static StudyFront studyFrontFromNode(JsonNode node, String path) {
        object(node, path);
        JsonNode objectivesNode = field(node, path, "objectives");
        if (!objectivesNode.isArray()) {
            throw wrong(path + "/objectives", objectivesNode, "an array of objective names");
        }
        List<ObjectiveKind> objectives = new ArrayList<>();
        for (int i = 0; i < objectivesNode.size(); i++) {
            JsonNode o = objectivesNode.get(i);
            try {
                objectives.add(ObjectiveKind.fromConfigName(o.isString() ? o.stringValue() : ""));
            } catch (IllegalArgumentException e) {
                throw wrong(path + "/objectives/" + i, o, "one of " + ObjectiveKind.configNames());
            }
        }
        JsonNode membersNode = field(node, path, "members");
        if (!membersNode.isArray()) {
            throw wrong(path + "/members", membersNode, "an array of front members");
        }
        List<StudyFront.Member> members = new ArrayList<>();
        for (int i = 0; i < membersNode.size(); i++) {
            String mp = path + "/members/" + i;
            JsonNode m = membersNode.get(i);
            object(m, mp);
            JsonNode valuesNode = field(m, mp, "values");
            if (!valuesNode.isArray()) {
                throw wrong(mp + "/values", valuesNode, "an array of numbers");
            }
            double[] values = new double[valuesNode.size()];
            for (int j = 0; j < values.length; j++) {
                ObjectNode holder = NODES.objectNode();
                holder.set("v", valuesNode.get(j));
                values[j] = figureAt(holder, mp + "/values/" + j, "v");
            }
            members.add(new StudyFront.Member(stringAt(m, mp, "key"), stringAt(m, mp, "architecture"),
                    intAt(m, mp, "rung"), intAt(m, mp, "generation"), Origin.parse(stringAt(m, mp, "origin")), values));
        }
        try {
            return new StudyFront(objectives, intAt(node, path, "rung"), figureAt(node, path, "hypervolume"), members);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(StrictJson.display(path) + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- BudgetUse

    /** Budget use as {@code candidates, training_flops, wall_seconds, generations}. */
    public static ObjectNode toNode(BudgetUse use) {
        ObjectNode node = NODES.objectNode();
        node.put("candidates", use.candidates());
        putFigure(node, "training_flops", use.trainingFlops());
        putFigure(node, "wall_seconds", use.wallSeconds());
        node.put("generations", use.generations());
        return node;
    }

    /**
     * Reads a {@link BudgetUse} embedded in a larger document; {@code path} is its JSON pointer there, used in
     * error messages.
     */
    public static BudgetUse budgetUseFromNode(JsonNode node, String path) {
        object(node, path);
        try {
            return new BudgetUse(longAt(node, path, "candidates"), figureAt(node, path, "training_flops"),
                    figureAt(node, path, "wall_seconds"), intAt(node, path, "generations"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(StrictJson.display(path) + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void putCapLong(ObjectNode node, String key, long value) {
        if (value == Long.MAX_VALUE) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    private static void putCapDouble(ObjectNode node, String key, double value) {
        if (value == Double.POSITIVE_INFINITY) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    private static double capDoubleAt(JsonNode node, String path, String key) {
        JsonNode v = field(node, path, key);
        if (v.isNull()) {
            return Double.POSITIVE_INFINITY;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        throw wrong(path + "/" + key, v, "a positive number or null (no cap)");
    }
}
