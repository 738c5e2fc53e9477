package dev.sublayer.space;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLParser;

/**
 * Strict parsing of config text (YAML; JSON is YAML) into a tree, for every config reader. Beyond well-formed
 * YAML it refuses what a plain YAML reader would take silently or slowly, each with a {@link SpaceException}
 * naming the path and the rule:
 * <ul>
 *   <li>text above {@value #MAX_BYTES} bytes (1 MiB) of UTF-8, before any parsing:
 *       {@code /: the config is 52,428,800 bytes, above the maximum of 1,048,576 (1 MiB)};</li>
 *   <li>a key twice in one mapping, where YAML would keep the last silently:
 *       {@code /search/population: the key 'population' appears twice, on lines 12 and 15};</li>
 *   <li>aliases ({@code *name}, also in {@code <<: *name}), which the tree would hold as the alias's name
 *       rather than the value it stands for;</li>
 *   <li>a second document after {@code ---}, which would be ignored;</li>
 *   <li>mappings and lists nested deeper than {@value #MAX_NESTING} levels;</li>
 *   <li>a number too long to read (more than 1000 digits).</li>
 * </ul>
 */
public final class ConfigText {

    /** The largest config text, in UTF-8 bytes: 1 MiB. */
    public static final int MAX_BYTES = 1 << 20;

    /** The deepest nesting of mappings and lists: a study config needs five levels. */
    public static final int MAX_NESTING = 32;

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private ConfigText() {
    }

    /**
     * Parses config text into a tree; empty text (or only comments) gives {@code null}.
     *
     * @throws SpaceException naming the path and rule of the first problem, e.g. {@code /: not valid YAML or JSON: ...}
     */
    public static JsonNode parse(String text) {
        requireSize(text.length() > MAX_BYTES ? text.length() : text.getBytes(StandardCharsets.UTF_8).length);
        check(text);
        try {
            return YAML.readTree(text);
        } catch (JacksonException e) {
            throw new SpaceException("/", "not valid YAML or JSON: " + e.getOriginalMessage().replace('\n', ' '));
        }
    }

    /**
     * Fails when a config of {@code bytes} bytes is above {@link #MAX_BYTES}: for a file, call it with the file's
     * size before reading it.
     *
     * @throws SpaceException e.g. {@code /: the config is 52,428,800 bytes, above the maximum of 1,048,576 (1 MiB)}
     */
    public static void requireSize(long bytes) {
        if (bytes > MAX_BYTES) {
            throw new SpaceException("/", String.format(Locale.ROOT,
                    "the config is %,d bytes, above the maximum of %,d (1 MiB)", bytes, MAX_BYTES));
        }
    }

    /** One open mapping or list: its path, and for a mapping the line of each key seen so far. */
    private static final class Scope {
        final String path;
        final Map<String, Integer> keyLines;
        String key;
        int index = -1;

        Scope(String path, boolean mapping) {
            this.path = path;
            this.keyLines = mapping ? new HashMap<>() : null;
        }

        /** The path of the value that starts now: the current key's, or the next list item's. */
        String childPath() {
            if (keyLines != null) {
                return path + "/" + key;
            }
            index++;
            return path + "/" + index;
        }
    }

    /** Walks the token stream once for what {@link YAMLMapper#readTree} would accept silently. */
    private static void check(String text) {
        Deque<Scope> open = new ArrayDeque<>();
        String at = "/";
        boolean rootDone = false;
        try (JsonParser p = YAML.createParser(text)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (rootDone) {
                    throw new SpaceException("/", "the text holds more than one YAML document (a second '---'); "
                            + "a config is one document");
                }
                Scope scope = open.peek();
                if (t == JsonToken.PROPERTY_NAME) {
                    String key = p.currentName();
                    int line = p.currentTokenLocation().getLineNr();
                    Integer first = scope.keyLines.putIfAbsent(key, line);
                    scope.key = key;
                    at = scope.path + "/" + key;
                    if (first != null) {
                        throw new SpaceException(at, "the key '" + key + "' appears twice, on lines " + first + " and "
                                + line + "; keep one");
                    }
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    open.pop();
                    rootDone = open.isEmpty();
                    continue;
                }
                at = scope == null ? "" : scope.childPath();
                if (p instanceof YAMLParser y && y.isCurrentAlias()) {
                    throw new SpaceException(display(at), "YAML aliases (*" + p.getString() + ") are not supported; "
                            + "write the value out");
                }
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    if (open.size() == MAX_NESTING) {
                        throw new SpaceException(display(scope.path), "nested deeper than " + MAX_NESTING
                                + " levels of mappings and lists");
                    }
                    open.push(new Scope(at, t == JsonToken.START_OBJECT));
                    continue;
                }
                if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    requireReadableNumber(p, at);
                }
                rootDone = open.isEmpty();
            }
        } catch (JacksonException e) {
            throw new SpaceException("/", "not valid YAML or JSON: " + e.getOriginalMessage().replace('\n', ' '));
        }
    }

    /** Numbers are read lazily; reading one here turns Jackson's length limit into an error with its path. */
    private static void requireReadableNumber(JsonParser p, String at) {
        try {
            p.getNumberValue();
        } catch (StreamConstraintsException e) {
            throw new SpaceException(display(at), "a number of " + p.getString().length() + " characters is out of "
                    + "every range (at most " + p.streamReadConstraints().getMaxNumberLength() + " digits are read)");
        }
    }

    private static String display(String path) {
        return path.isEmpty() ? "/" : path;
    }
}
