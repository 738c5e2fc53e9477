package dev.sublayer.search.config;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sublayer.search.strategy.StrategyRegistry;
import dev.sublayer.space.ConfigNodes;
import dev.sublayer.trial.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BigIntegerNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON schema of study configs ({@code study-config.schema.json}, draft 2020-12) and the translation of
 * its violations into Sublayer's error style: the value's path, then the rule in plain words, e.g.
 * {@code /search/population: must be between 2 and 100000, got 1} or
 * {@code /search/popultion: unknown key, did you mean 'population'?}. Every number in the schema has a minimum
 * and a maximum and every string a maximum length, so an out-of-range value (a seed beyond 64 bits, a
 * {@code max_trials} of 9223372036854775807, a 50,000-character description) is refused with its path and
 * its range.
 *
 * <p>The values {@code search.strategy} may take are the names registered in {@link StrategyRegistry} when the
 * config is validated: the resource leaves that {@code enum} out, and it is filled in from the registry.
 */
public final class ConfigSchema {

    /** The schema resource, on the classpath. */
    public static final String RESOURCE = "/dev/sublayer/search/study-config.schema.json";

    /** Where the strategy name's rule sits in the schema document. */
    private static final String STRATEGY = "/properties/search/properties/strategy";

    private static final JsonNode RESOURCE_NODE = load();
    private static volatile Compiled compiled;

    /** The schema document with the strategy names it was completed with, and its compiled form. */
    private record Compiled(List<String> strategies, JsonNode node, Schema schema) {
        static Compiled of(List<String> strategies) {
            ObjectNode node = (ObjectNode) RESOURCE_NODE.deepCopy();
            ArrayNode names = ((ObjectNode) node.at(STRATEGY)).putArray("enum");
            strategies.forEach(names::add);
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(node.toString(), InputFormat.JSON);
            return new Compiled(strategies, node, schema);
        }
    }

    private ConfigSchema() {
    }

    /** The schema document, with the strategy names registered now. */
    public static JsonNode schema() {
        return current().node();
    }

    /** The schema for the strategies registered now (compiled again only when they changed). */
    private static Compiled current() {
        List<String> strategies = StrategyRegistry.names();
        Compiled c = compiled;
        if (c == null || !c.strategies().equals(strategies)) {
            c = Compiled.of(strategies);
            compiled = c;
        }
        return c;
    }

    /**
     * Validates {@code config} against the schema.
     *
     * @return the problems, each {@code "<path>: <rule>"}, in document order; empty when valid
     */
    public static List<String> validate(JsonNode config) {
        Compiled schema = current();
        List<Error> errors = new ArrayList<>(schema.schema().validate(integralBeyondLong(config)));
        // The if/then/else of objective items repeats the inner failure as an "else"/"then" entry: keep the inner one.
        errors.removeIf(e -> "if".equals(e.getKeyword()) || "then".equals(e.getKeyword())
                || "else".equals(e.getKeyword()));
        errors.sort(Comparator.comparing(ConfigSchema::path));
        // A string too long is said once: its pattern's failure would repeat the whole string.
        Set<String> tooLong = new java.util.HashSet<>();
        errors.stream().filter(e -> "maxLength".equals(e.getKeyword())).forEach(e -> tooLong.add(path(e)));
        errors.removeIf(e -> "pattern".equals(e.getKeyword()) && tooLong.contains(path(e)));
        Set<String> out = new LinkedHashSet<>();
        for (Error e : errors) {
            out.add(describe(e, schema.node(), config));
        }
        return List.copyOf(out);
    }

    private static String path(Error e) {
        String p = e.getInstanceLocation().toString();
        p = p.startsWith("$") ? p.substring(1) : p;
        if (("additionalProperties".equals(e.getKeyword()) || "required".equals(e.getKeyword()))
                && e.getProperty() != null) {
            p = p + "/" + e.getProperty();
        }
        return p.isEmpty() ? "/" : p;
    }

    /**
     * {@code config}, with every floating-point number beyond the {@code long} range that has no fraction (YAML
     * reads {@code 1e19} as a double) as an integer: the validator compares such a double with an integer bound
     * through {@code long} and would fail with Jackson's conversion error instead of the bound's message.
     */
    private static JsonNode integralBeyondLong(JsonNode n) {
        if (n.isFloatingPointNumber()) {
            double v = n.doubleValue();
            return Double.isFinite(v) && Math.abs(v) >= 0x1p63 ? BigIntegerNode.valueOf(new BigDecimal(v).toBigInteger()) : n;
        }
        if (n.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            n.properties().forEach(p -> copy.set(p.getKey(), integralBeyondLong(p.getValue())));
            return copy;
        }
        if (n.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            n.values().forEach(v -> copy.add(integralBeyondLong(v)));
            return copy;
        }
        return n;
    }

    /** The value at {@code path} as written (integralBeyondLong may have made it an integer), else {@code checked}. */
    private static JsonNode written(JsonNode config, String path, JsonNode checked) {
        try {
            JsonNode n = "/".equals(path) ? config : config.at(path);
            return n.isMissingNode() ? checked : n;
        } catch (IllegalArgumentException e) {
            return checked; // a key such as 'a~b' is no valid JSON pointer segment
        }
    }

    private static String describe(Error e, JsonNode schema, JsonNode config) {
        String path = path(e);
        JsonNode value = written(config, path, e.getInstanceNode());
        JsonNode rule = e.getSchemaNode();
        String got = ", got " + ConfigNodes.describe(value);
        String message = switch (e.getKeyword()) {
            case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> "must be "
                    + range(ruleParent(e, schema)) + got;
            case "type" -> "must be " + typeWords(rule) + got;
            case "enum" -> enumMessage(rule, value);
            case "additionalProperties" -> unknownKey(e, schema);
            case "required" -> "is required";
            case "minItems" -> "must have at least " + rule.asInt() + " item" + (rule.asInt() == 1 ? "" : "s")
                    + ", got " + value.size();
            case "maxItems" -> "must have at most " + rule.asInt() + " items, got " + value.size();
            case "minProperties" -> "must set at least " + rule.asInt() + " key" + (rule.asInt() == 1 ? "" : "s");
            case "minLength" -> "must not be empty";
            case "maxLength" -> "must be at most " + rule.asInt() + " characters, got "
                    + value.stringValue().codePointCount(0, value.stringValue().length());
            case "pattern" -> "must match " + rule.stringValue() + got;
            default -> e.getMessage();
        };
        return path + ": " + message;
    }

    /** The schema object holding the keyword that failed, e.g. the rule of one property. */
    private static JsonNode ruleParent(Error e, JsonNode schema) {
        String location = e.getSchemaLocation().getFragment().toString();
        String parent = location.substring(0, location.lastIndexOf('/'));
        return schema.at(parent.startsWith("#") ? parent.substring(1) : parent);
    }

    /** A number rule's whole range in words: {@code between 2 and 100000}, {@code > 0 and <= 10}. */
    private static String range(JsonNode rule) {
        JsonNode min = rule.get("minimum");
        JsonNode max = rule.get("maximum");
        if (min != null && max != null) {
            return "between " + number(min) + " and " + number(max);
        }
        List<String> bounds = new ArrayList<>();
        if (min != null) {
            bounds.add(">= " + number(min));
        } else if (rule.has("exclusiveMinimum")) {
            bounds.add("> " + number(rule.get("exclusiveMinimum")));
        }
        if (max != null) {
            bounds.add("<= " + number(max));
        } else if (rule.has("exclusiveMaximum")) {
            bounds.add("< " + number(rule.get("exclusiveMaximum")));
        }
        return String.join(" and ", bounds);
    }

    private static String unknownKey(Error e, JsonNode schema) {
        String key = e.getProperty();
        List<String> allowed = new ArrayList<>();
        String location = e.getSchemaLocation().getFragment().toString();
        String parent = location.endsWith("/additionalProperties")
                ? location.substring(0, location.length() - "/additionalProperties".length()) : location;
        JsonNode props = schema.at(parent.startsWith("#") ? parent.substring(1) : parent).path("properties");
        props.propertyNames().forEach(allowed::add);
        String hint = key == null ? null : ConfigNodes.closest(key, allowed);
        return "unknown key" + (hint != null ? ", did you mean '" + hint + "'?"
                : allowed.isEmpty() ? "" : "; allowed keys: " + String.join(", ", allowed));
    }

    private static String enumMessage(JsonNode rule, JsonNode value) {
        List<String> allowed = new ArrayList<>();
        rule.values().forEach(v -> allowed.add(v.isString() ? v.stringValue() : v.toString()));
        String hint = value != null && value.isString() ? ConfigNodes.closest(value.stringValue(), allowed) : null;
        return "must be one of " + String.join(", ", allowed) + ", got " + ConfigNodes.describe(value)
                + (hint != null ? " (did you mean '" + hint + "'?)" : "");
    }

    private static String typeWords(JsonNode rule) {
        List<String> words = new ArrayList<>();
        if (rule.isArray()) {
            rule.values().forEach(v -> words.add(typeWord(v.stringValue())));
        } else {
            words.add(typeWord(rule.stringValue()));
        }
        return String.join(" or ", words);
    }

    private static String typeWord(String type) {
        return switch (type) {
            case "object" -> "a mapping";
            case "array" -> "a list";
            case "integer" -> "an integer";
            case "number" -> "a number";
            case "string" -> "a string";
            case "boolean" -> "true or false";
            default -> type;
        };
    }

    /** A bound as written for people: {@code 100000}, {@code 0.5}, {@code 1e30} (not thirty zeros). */
    private static String number(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.asString();
        }
        BigDecimal d = new BigDecimal(n.asString()).stripTrailingZeros();
        String plain = d.toPlainString();
        return plain.length() <= 16 ? plain : d.toString().toLowerCase(java.util.Locale.ROOT).replace("+", "");
    }

    private static JsonNode load() {
        try (InputStream in = ConfigSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the study-config schema " + RESOURCE + " is missing from the build");
            }
            return StrictJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
