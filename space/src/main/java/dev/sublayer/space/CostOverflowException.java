package dev.sublayer.space;

/**
 * A figure of the {@link CostModel} that does not fit a {@code long} (above 9,223,372,036,854,775,807): the
 * architecture, context or batch is too large to count. An {@link IllegalArgumentException}, since the input is
 * what is too large; a {@link Constraints} check takes it as a violation.
 */
public final class CostOverflowException extends IllegalArgumentException {

    private final String figure;

    /** An overflow of {@code figure}, e.g. {@code the forward FLOPs per sequence}. */
    public CostOverflowException(String figure) {
        super("cannot count " + figure + ": it is above " + String.format(java.util.Locale.ROOT, "%,d", Long.MAX_VALUE)
                + " (use a smaller architecture, context or batch)");
        this.figure = figure;
    }

    /** The figure that overflowed, e.g. {@code the forward FLOPs per sequence}. */
    public String figure() {
        return figure;
    }
}
