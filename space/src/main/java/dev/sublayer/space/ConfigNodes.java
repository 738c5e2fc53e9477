package dev.sublayer.space;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Typed reading of a parsed YAML/JSON tree with errors that name the field's
 * JSON-pointer path, the value found and what is allowed. Shared by every
 * config reader so that all config errors read alike.
 */
public final class ConfigNodes {

    private ConfigNodes() {
    }

    /**
     * Fails on any key of {@code object} not in {@code allowed}, suggesting the closest allowed key.
     *
     * @throws SpaceException e.g. {@code /ffn_width: unknown key, did you mean 'ffn_widths'?}
     */
    public static void requireKnownKeys(JsonNode object, String path, Collection<String> allowed) {
        for (String key : object.propertyNames()) {
            if (!allowed.contains(key)) {
                String hint = closest(key, allowed);
                throw new SpaceException(path + "/" + key, "unknown key"
                        + (hint == null ? "; allowed keys: " + String.join(", ", allowed) : ", did you mean '" + hint + "'?"));
            }
        }
    }

    /** The object at {@code path}, or a clear error naming what was found. */
    public static JsonNode requireObject(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new SpaceException(path.isEmpty() ? "/" : path, "must be a mapping of keys to values, got "
                    + describe(node));
        }
        return node;
    }

    /** An integer field in {@code [min, max]}, or {@code fallback} when absent; see {@link #asInt(JsonNode, String, int, int)}. */
    public static int intField(JsonNode parent, String key, String path, int fallback, int min, int max) {
        JsonNode n = parent.get(key);
        return n == null || n.isNull() ? fallback : asInt(n, path + "/" + key, min, max);
    }

    /** A boolean field, or {@code fallback} when absent. */
    public static boolean boolField(JsonNode parent, String key, String path, boolean fallback) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw new SpaceException(path + "/" + key, "must be true or false, got " + describe(n));
        }
        return n.booleanValue();
    }

    /** A string field, or {@code fallback} when absent. */
    public static String stringField(JsonNode parent, String key, String path, String fallback) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isString()) {
            throw new SpaceException(path + "/" + key, "must be a string, got " + describe(n));
        }
        return n.stringValue();
    }

    /**
     * The node as an int in {@code [min, max]}, or an error naming the path, the range and the value, e.g.
     * {@code /ffn_widths/0: must be between 1 and 1048576, got 99999999999}.
     */
    public static int asInt(JsonNode n, String path, int min, int max) {
        if (!n.isIntegralNumber()) {
            throw new SpaceException(path, "must be an integer, got " + describe(n));
        }
        if (!n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw new SpaceException(path, "must be between " + min + " and " + max + ", got " + describe(n));
        }
        return n.intValue();
    }

    /** An {@link ItemReader} of integers in {@code [min, max]}. */
    public static ItemReader<Integer> intIn(int min, int max) {
        return (n, p) -> asInt(n, p, min, max);
    }

    /**
     * A list field whose items are read by {@code item} (which gets the item and its
     * path), or {@code fallback} when absent. A scalar is taken as a one-item list.
     */
    public static <T> List<T> listField(JsonNode parent, String key, String path, List<T> fallback,
                                        ItemReader<T> item) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return fallback;
        }
        String p = path + "/" + key;
        List<T> out = new ArrayList<>();
        if (n.isArray()) {
            int i = 0;
            for (JsonNode element : n.values()) {
                out.add(item.read(element, p + "/" + i));
                i++;
            }
        } else {
            out.add(item.read(n, p));
        }
        return out;
    }

    /** Reads an enum-like value by its config name, naming the allowed names on error. */
    public static <T> T named(JsonNode n, String path, Function<String, T> byName, String allowed) {
        if (!n.isString()) {
            throw new SpaceException(path, "must be one of " + allowed + ", got " + describe(n));
        }
        try {
            return byName.apply(n.stringValue());
        } catch (IllegalArgumentException e) {
            throw new SpaceException(path, "must be one of " + allowed + ", got '" + n.stringValue() + "'");
        }
    }

    /** Reads one list item at its path. */
    @FunctionalInterface
    public interface ItemReader<T> {
        T read(JsonNode node, String path);
    }

    /** A short description of a node for error messages: its value for scalars, its type otherwise. */
    public static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isString()) {
            String s = n.stringValue();
            // A long value is shown by its start and length, so that one bad field cannot flood the message.
            return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 60) + "...' (" + s.length() + " characters)";
        }
        return n.toString();
    }

    /** The allowed key closest to {@code key} by edit distance, if close enough to be a typo. */
    public static String closest(String key, Collection<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
