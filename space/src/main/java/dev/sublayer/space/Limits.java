package dev.sublayer.space;

/**
 * The largest sizes an architecture may have: generous for real research, and small enough that every per-token
 * figure of the {@link CostModel} (parameters, FLOPs per token) fits a {@code long} even for the largest
 * architecture they allow. The notation, the sublayer and architecture records and the search space all check
 * these; a value above one is refused as, e.g., {@code width 1000000000 is above the maximum 1048576}.
 *
 * <table>
 *   <caption>Maxima</caption>
 *   <tr><th>size</th><th>maximum</th></tr>
 *   <tr><td>{@code d_model}</td><td>{@value #MAX_D_MODEL}</td></tr>
 *   <tr><td>context</td><td>{@value #MAX_CONTEXT}</td></tr>
 *   <tr><td>sublayers in one architecture</td><td>{@value #MAX_SUBLAYERS}</td></tr>
 *   <tr><td>FFN width (F, D, the FFN of P, each expert of M)</td><td>{@value #MAX_WIDTH}</td></tr>
 *   <tr><td>hidden layers of D</td><td>{@value #MAX_DEEP_LAYERS}</td></tr>
 *   <tr><td>attention heads (A, P)</td><td>{@value #MAX_HEADS}</td></tr>
 *   <tr><td>experts of M (top-k is at most the experts)</td><td>{@value #MAX_EXPERTS}</td></tr>
 * </table>
 */
public final class Limits {

    /** The largest residual-stream width. */
    public static final int MAX_D_MODEL = 65_536;
    /** The largest context length, in tokens. */
    public static final int MAX_CONTEXT = 1_048_576;
    /** The most sublayers one architecture may have. */
    public static final int MAX_SUBLAYERS = 1024;
    /** The largest FFN hidden width. */
    public static final int MAX_WIDTH = 1_048_576;
    /** The most hidden layers of a deep FFN. */
    public static final int MAX_DEEP_LAYERS = 64;
    /** The most attention heads. */
    public static final int MAX_HEADS = 1024;
    /** The most experts of a mixture of experts. */
    public static final int MAX_EXPERTS = 1024;

    private Limits() {
    }

    /**
     * Fails when {@code value} is above {@code max}.
     *
     * @param what what the value is, as the message names it (e.g. {@code FFN width})
     * @throws IllegalArgumentException e.g. {@code FFN width 2000000 is above the maximum 1048576}
     */
    static void requireAtMost(String what, long value, long max) {
        if (value > max) {
            throw new IllegalArgumentException(aboveMaximum(what, Long.toString(value), max));
        }
    }

    /** The message for a value (as written) above its maximum. */
    static String aboveMaximum(String what, String value, long max) {
        return what + " " + value + " is above the maximum " + max;
    }
}
