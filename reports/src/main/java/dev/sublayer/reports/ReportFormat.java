package dev.sublayer.reports;

import java.util.Locale;

/** The file formats a study report can be written in. */
public enum ReportFormat {
    /** One self-contained HTML page with interactive charts; opens offline. */
    HTML("html", ".html"),
    /** A short Markdown summary: key numbers and the front as a table. */
    MARKDOWN("md", ".md");

    private final String configName;
    private final String extension;

    ReportFormat(String configName, String extension) {
        this.configName = configName;
        this.extension = extension;
    }

    /** The name the CLI accepts ({@code html}, {@code md}). */
    public String configName() {
        return configName;
    }

    /** The usual file extension, dot included. */
    public String extension() {
        return extension;
    }

    /**
     * The format with the given name.
     *
     * @throws IllegalArgumentException naming the value and the allowed names
     */
    public static ReportFormat fromConfigName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (ReportFormat f : values()) {
            if (f.configName.equals(n) || (f == MARKDOWN && n.equals("markdown"))) {
                return f;
            }
        }
        throw new IllegalArgumentException("format '" + name + "' is unknown, expected html or md");
    }
}
