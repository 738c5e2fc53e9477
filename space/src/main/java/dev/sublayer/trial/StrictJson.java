package dev.sublayer.trial;

import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sublayer's one way to read and write JSON: the shared mapper, compact and indented text, the encoding of
 * measured figures, and strict readers that name what is wrong. {@link TrialJson}, the canonical trial request,
 * the worker protocol, the study store and its exports, and the command line's {@code --json} output all go
 * through here.
 *
 * <p><b>Figures.</b> JSON has no {@code NaN} or infinities, so a measured {@code double} is written as a JSON number,
 * an unmeasured one ({@code NaN}) as {@code null}, and an infinity (e.g. a diverged loss) as the string
 * {@code "Infinity"} or {@code "-Infinity"}; reading gives back the same value bit for bit.
 *
 * <p><b>Strict reading.</b> Every reader takes the node, the JSON path of that node in its document ({@code ""} for
 * the root, e.g. {@code /trials/3/result} for an embedded one) and the key. A missing key, a wrong type or a value
 * out of range fails with an {@link IllegalArgumentException} whose message starts with the JSON path of the value
 * and says what was found and what is allowed, e.g. {@code /rung: must be a 32-bit integer, got "x"}. Unknown
 * extra keys are ignored, so that a newer writer's additions do not break an older reader.
 */
public final class StrictJson {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String POS_INF = "Infinity";
    private static final String NEG_INF = "-Infinity";

    private StrictJson() {
    }

    /** The mapper used for parsing and writing; shared and thread-safe. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses one JSON document into a tree.
     *
     * @throws IllegalArgumentException if the text is not well-formed JSON
     */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Compact single-line JSON text of a tree. */
    public static String text(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /**
     * Indented multi-line JSON text of {@code value} (a tree, or maps, lists, strings, numbers and booleans), for
     * files and output that people read; no line break at the end.
     */
    public static String prettyText(Object value) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    // ---------------------------------------------------------------- figures

    /**
     * Writes a measured figure under {@code key}: {@code NaN} as {@code null}, infinities as {@code "Infinity"} /
     * {@code "-Infinity"}, anything else as a JSON number.
     */
    public static void putFigure(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else if (value == Double.POSITIVE_INFINITY) {
            node.put(key, POS_INF);
        } else if (value == Double.NEGATIVE_INFINITY) {
            node.put(key, NEG_INF);
        } else {
            node.put(key, value);
        }
    }

    /** Appends a measured figure to {@code array}, encoded as {@link #putFigure} does. */
    public static void addFigure(ArrayNode array, double value) {
        if (Double.isNaN(value)) {
            array.addNull();
        } else if (value == Double.POSITIVE_INFINITY) {
            array.add(POS_INF);
        } else if (value == Double.NEGATIVE_INFINITY) {
            array.add(NEG_INF);
        } else {
            array.add(value);
        }
    }

    /** Reads a required figure written by {@link #putFigure}. */
    public static double figureAt(JsonNode node, String path, String key) {
        return figure(field(node, path, key), path + "/" + key);
    }

    /** Reads the figure {@code value} (e.g. an array element) found at {@code path}. */
    public static double figure(JsonNode value, String path) {
        if (value.isNull()) {
            return Double.NaN;
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isString() && POS_INF.equals(value.stringValue())) {
            return Double.POSITIVE_INFINITY;
        }
        if (value.isString() && NEG_INF.equals(value.stringValue())) {
            return Double.NEGATIVE_INFINITY;
        }
        throw wrong(path, value, "a number, null, \"Infinity\" or \"-Infinity\"");
    }

    // ---------------------------------------------------------------- strict readers

    /** The value under a required key; fails naming the path when {@code node} is no object or the key is absent. */
    public static JsonNode field(JsonNode node, String path, String key) {
        object(node, path);
        JsonNode v = node.get(key);
        if (v == null || v.isMissingNode()) {
            Set<String> present = new TreeSet<>();
            node.properties().forEach(e -> present.add(e.getKey()));
            throw new IllegalArgumentException(display(path + "/" + key) + ": missing (present keys: " + present + ")");
        }
        return v;
    }

    /** {@code node} itself, which must be a JSON object; {@code path} names it in the error. */
    public static JsonNode object(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw wrong(path, node, "a JSON object");
        }
        return node;
    }

    /** The required JSON object under {@code key}. */
    public static JsonNode objectAt(JsonNode node, String path, String key) {
        return object(field(node, path, key), path + "/" + key);
    }

    /**
     * {@code value} itself, which must be a JSON array; {@code allowed} says what the array holds for the error,
     * e.g. {@code "an array of integers"}.
     */
    public static JsonNode array(JsonNode value, String path, String allowed) {
        if (!value.isArray()) {
            throw wrong(path, value, allowed);
        }
        return value;
    }

    /** The required JSON array under {@code key}; {@code allowed} as for {@link #array}. */
    public static JsonNode arrayAt(JsonNode node, String path, String key, String allowed) {
        return array(field(node, path, key), path + "/" + key, allowed);
    }

    /** Reads a required, non-null string. */
    public static String stringAt(JsonNode node, String path, String key) {
        JsonNode v = field(node, path, key);
        if (v.isString()) {
            return v.stringValue();
        }
        throw wrong(path + "/" + key, v, "a string");
    }

    /** Reads a required string that may be {@code null}. */
    public static String nullableStringAt(JsonNode node, String path, String key) {
        JsonNode v = field(node, path, key);
        if (v.isNull()) {
            return null;
        }
        if (v.isString()) {
            return v.stringValue();
        }
        throw wrong(path + "/" + key, v, "a string or null");
    }

    /** Reads a required integer that fits a {@code long}. */
    public static long longAt(JsonNode node, String path, String key) {
        JsonNode v = field(node, path, key);
        if (v.isIntegralNumber() && (v.isInt() || v.isLong() || v.isShort())) {
            return v.longValue();
        }
        throw wrong(path + "/" + key, v, "an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE);
    }

    /** Reads a required integer that fits a {@code long}, or {@code null}, read as {@code ifNull}. */
    public static long nullableLongAt(JsonNode node, String path, String key, long ifNull) {
        return field(node, path, key).isNull() ? ifNull : longAt(node, path, key);
    }

    /** Reads a required integer that fits an {@code int}. */
    public static int intAt(JsonNode node, String path, String key) {
        return intValue(field(node, path, key), path + "/" + key);
    }

    /** Reads the integer {@code value} (e.g. an array element) found at {@code path}, which must fit an {@code int}. */
    public static int intValue(JsonNode value, String path) {
        if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        throw wrong(path, value, "a 32-bit integer");
    }

    /** Reads a required {@code true} or {@code false}. */
    public static boolean booleanAt(JsonNode node, String path, String key) {
        JsonNode v = field(node, path, key);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(display(path + "/" + key) + ": " + v
                    + " is not allowed, expected true or false");
        }
        return v.booleanValue();
    }

    /**
     * The error for {@code found} at {@code path} where {@code allowed} was expected: {@code PATH: must be ALLOWED,
     * got FOUND}, with a long value abbreviated.
     */
    public static IllegalArgumentException wrong(String path, JsonNode found, String allowed) {
        String shown = found == null || found.isMissingNode() ? "nothing" : abbreviate(text(found));
        return new IllegalArgumentException(display(path) + ": must be " + allowed + ", got " + shown);
    }

    static String display(String path) {
        return path.isEmpty() ? "/" : path;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
