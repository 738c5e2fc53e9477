package dev.sublayer.space;

/**
 * An invalid search-space setting, or config text that {@link ConfigText} refuses. The message starts with the
 * field's JSON-pointer path within the space or text (e.g. {@code /ffn_widths/2}), then says what is wrong.
 */
public final class SpaceException extends IllegalArgumentException {
    private final String path;

    public SpaceException(String path, String problem) {
        super(path + ": " + problem);
        this.path = path;
    }

    /** The JSON-pointer path of the offending field, relative to the search space. */
    public String path() {
        return path;
    }
}
