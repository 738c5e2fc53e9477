package dev.sublayer.reports;

/**
 * A small streaming JSON writer whose output is safe inside an HTML {@code <script type="application/json">}
 * element: besides JSON's own escapes it writes {@code <}, {@code >} and {@code &} as {@code \u003c},
 * {@code \u003e}, {@code \u0026}, so no string can close the element or open a comment, and it writes every
 * surrogate as an escape, so even an unpaired one survives the page's UTF-8 encoding. {@code JSON.parse}
 * reads the escapes back to the original text.
 *
 * <p>Numbers are written compactly: integral values without a fraction, others with at most
 * {@code significant} significant digits, and {@code NaN} or infinities as {@code null}. The caller keeps
 * the structure well-formed (names inside objects, values inside arrays); commas are inserted here.
 */
final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    private final int significant;
    /** Whether the next value or name in the current container needs a comma before it. */
    private boolean needComma;

    /**
     * @param capacity    initial buffer size in characters
     * @param significant significant digits for non-integral numbers, 1 to 17
     */
    JsonWriter(int capacity, int significant) {
        if (significant < 1 || significant > 17) {
            throw new IllegalArgumentException("significant digits must be in 1..17, got " + significant);
        }
        this.out = new StringBuilder(capacity);
        this.significant = significant;
    }

    JsonWriter beginObject() {
        comma();
        out.append('{');
        needComma = false;
        return this;
    }

    JsonWriter endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    JsonWriter beginArray() {
        comma();
        out.append('[');
        needComma = false;
        return this;
    }

    JsonWriter endArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    /** An object member's name; the next call writes its value. */
    JsonWriter name(String name) {
        comma();
        string(name);
        out.append(':');
        needComma = false;
        return this;
    }

    JsonWriter value(String s) {
        comma();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        needComma = true;
        return this;
    }

    JsonWriter value(long v) {
        comma();
        out.append(v);
        needComma = true;
        return this;
    }

    JsonWriter value(boolean v) {
        comma();
        out.append(v);
        needComma = true;
        return this;
    }

    JsonWriter value(double v) {
        comma();
        number(v);
        needComma = true;
        return this;
    }

    JsonWriter nullValue() {
        comma();
        out.append("null");
        needComma = true;
        return this;
    }

    /** Shorthand for {@code name(name).value(value)}. */
    JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, double value) {
        return name(name).value(value);
    }

    JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    /** The JSON text so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void number(double v) {
        if (!Double.isFinite(v)) {
            out.append("null");
            return;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
            return;
        }
        double r = round(v, significant);
        if (r == Math.rint(r) && Math.abs(r) < 1e7) {
            out.append((long) r);
        } else {
            out.append(r);
        }
    }

    /**
     * {@code v} rounded to {@code digits} significant digits. Dividing or multiplying an integer by an exact
     * power of ten gives the double nearest the short decimal, which {@link Double#toString} then prints short.
     */
    static double round(double v, int digits) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        int exponent = (int) Math.floor(Math.log10(Math.abs(v)));
        int shift = digits - 1 - exponent;
        if (shift > 0 && shift <= 22) {
            double p = Math.pow(10, shift);
            return Math.rint(v * p) / p;
        }
        if (shift <= 0 && -shift <= 22) {
            double q = Math.pow(10, -shift);
            return Math.rint(v / q) * q;
        }
        // Beyond exact powers of ten (|v| < 1e-18 or > 1e26): rare, so the slow exact path is fine.
        return new java.math.BigDecimal(v).round(new java.math.MathContext(digits)).doubleValue();
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029'
                            || Character.isSurrogate(c)) {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
