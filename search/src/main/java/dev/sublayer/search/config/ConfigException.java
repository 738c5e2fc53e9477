package dev.sublayer.search.config;

import java.util.List;

/**
 * An invalid study configuration. Each problem names the JSON-pointer path of the offending value and
 * the rule it breaks, e.g. {@code /search/population: must be >= 2, got 1}; the message joins them on
 * one line, first problem first.
 */
public final class ConfigException extends IllegalArgumentException {

    private final List<String> problems;

    /** An exception for one or more problems (each {@code "<path>: <rule>"}). */
    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** An exception for one problem at {@code path}. */
    public static ConfigException at(String path, String rule) {
        return new ConfigException(List.of((path.isEmpty() ? "/" : path) + ": " + rule));
    }

    /** Every problem found, in document order, each {@code "<path>: <rule>"}. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a config exception needs at least one problem");
        }
        return problems.size() == 1 ? problems.getFirst()
                : String.join("; ", problems) + " (" + problems.size() + " problems)";
    }
}
