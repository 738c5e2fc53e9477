package dev.sublayer.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The canonical text form of architectures.
 *
 * <pre>
 *   architecture := [header ":"] sublayer (" " sublayer)*
 *   header       := "d" d_model " n" context " " ("pre" | "post") [" rms"]
 *   sublayer     := (attention | ffn | deep_ffn | parallel | moe) ["!"]
 *   attention    := "A" heads
 *   ffn          := "F" width [":" activation]
 *   deep_ffn     := "D" width "x" layers [":" activation]
 *   parallel     := "P" heads "/" width [":" activation]
 *   moe          := "M" experts "k" top_k "/" width [":" activation]
 *   activation   := "relu" | "gelu" | "relu2" | "swiglu" | "geglu"
 * </pre>
 *
 * <table>
 *   <caption>Tokens</caption>
 *   <tr><th>token</th><th>meaning</th></tr>
 *   <tr><td>{@code A4}</td><td>causal self-attention, 4 heads</td></tr>
 *   <tr><td>{@code F512}</td><td>feed-forward {@code d → 512 → d}, GELU</td></tr>
 *   <tr><td>{@code F682:swiglu}</td><td>gated feed-forward (SwiGLU) of width 682, about the parameters of
 *       {@code F1024}</td></tr>
 *   <tr><td>{@code D512x2}</td><td>deep feed-forward: 2 hidden layers of 512, {@code d → 512 → 512 → d},
 *       in one norm and one residual</td></tr>
 *   <tr><td>{@code P4/1024}</td><td>parallel block: {@code x + A4(N(x)) + F1024(N(x))}, one shared norm</td></tr>
 *   <tr><td>{@code M8k2/512}</td><td>mixture of 8 experts {@code F512}, top-2 routing per token</td></tr>
 *   <tr><td>{@code F512!}</td><td>{@code !}: no residual connection around the sublayer</td></tr>
 *   <tr><td>{@code d128 n256 post rms:}</td><td>header: d_model 128, context 256, post-norm, RMSNorm
 *       (the fourth word is optional; without it LayerNorm)</td></tr>
 * </table>
 *
 * The activation is written only when it is not GELU; {@code !} comes last ({@code D512x3:relu!}); the
 * header names the norm kind only for RMSNorm, so LayerNorm architectures keep their text and
 * {@linkplain Architecture#id() id}. Formatting is canonical, so {@code parse(format(a)).equals(a)} and
 * equal architectures format equally. Parsing tolerates extra whitespace, any letter case, and
 * {@code ln}/{@code layernorm}/{@code rmsnorm} as the header's fourth word. Numbers are ASCII digits only, and
 * every size is bounded by its {@link Limits} maximum ({@code F1000000000}: "width 1000000000 is above the
 * maximum 1048576").
 */
public final class Notation {

    private static final String EXPECTED = "expected A<heads>, F<width>, D<width>x<layers>, P<heads>/<width> or "
            + "M<experts>k<top_k>/<width> (all but A may end in :activation), optionally followed by ! (no residual)";

    private Notation() {
    }

    /** The sublayer list as notation, without a header. */
    public static String format(List<Sublayer> sublayers) {
        return sublayers.stream().map(Notation::format).collect(Collectors.joining(" "));
    }

    /** One sublayer's token. */
    public static String format(Sublayer sublayer) {
        String body = switch (sublayer) {
            case Sublayer.Attention a -> "A" + a.heads();
            case Sublayer.FeedForward f -> "F" + f.width() + suffix(f.activation());
            case Sublayer.DeepFeedForward f -> "D" + f.width() + "x" + f.layers() + suffix(f.activation());
            case Sublayer.Parallel p -> "P" + p.heads() + "/" + p.width() + suffix(p.activation());
            case Sublayer.MixtureOfExperts m -> "M" + m.experts() + "k" + m.topK() + "/" + m.width()
                    + suffix(m.activation());
        };
        return sublayer.residual() ? body : body + "!";
    }

    private static String suffix(Activation a) {
        return a == Activation.GELU ? "" : ":" + a.configName();
    }

    /** The full canonical form with header, e.g. {@code d128 n256 pre: A4 F512} or {@code d128 n256 pre rms: A4}. */
    public static String format(Architecture a) {
        return "d" + a.dModel() + " n" + a.context() + " " + a.norm().configName()
                + (a.normKind() == NormKind.LAYER ? "" : " " + a.normKind().shortName()) + ": " + format(a.sublayers());
    }

    /**
     * Parses a full canonical form (header required).
     *
     * @throws NotationException if the text is malformed or describes an invalid architecture
     */
    public static Architecture parse(String text) {
        if (text == null || headerEnd(text) < 0) {
            throw new NotationException("missing header: expected 'd<d_model> n<context> pre|post [rms]: ' before the "
                    + "sublayers in '" + text + "'");
        }
        return parse(text, 0, 0, NormPlacement.PRE, NormKind.LAYER);
    }

    /**
     * Parses notation, with or without a header, with LayerNorm unless the header says otherwise.
     *
     * @see #parse(String, int, int, NormPlacement, NormKind)
     */
    public static Architecture parse(String text, int dModel, int context, NormPlacement norm) {
        return parse(text, dModel, context, norm, NormKind.LAYER);
    }

    /**
     * Parses notation, with or without a header; a header overrides all the given settings (a header
     * without a fourth word means LayerNorm).
     *
     * @param text     the notation
     * @param dModel   d_model to use when there is no header
     * @param context  context length to use when there is no header
     * @param norm     norm placement to use when there is no header
     * @param normKind norm kind to use when there is no header
     * @throws NotationException naming the offending token, its position and what was expected
     */
    public static Architecture parse(String text, int dModel, int context, NormPlacement norm, NormKind normKind) {
        if (text == null || text.isBlank()) {
            throw new NotationException("empty architecture: " + EXPECTED);
        }
        String body = text;
        int header = headerEnd(text);
        if (header >= 0) {
            Header h = parseHeader(text.substring(0, header).trim());
            dModel = h.dModel;
            context = h.context;
            norm = h.norm;
            normKind = h.normKind;
            body = text.substring(header + 1);
        }
        List<Sublayer> sublayers = parseSublayers(body);
        try {
            return new Architecture(sublayers, dModel, context, norm, normKind);
        } catch (IllegalArgumentException e) {
            throw new NotationException(e.getMessage());
        }
    }

    /**
     * Where the header's colon is, or -1 without a header. The text before the first colon is a header when
     * its first word is {@code d} and digits only, or when it has several words, the first starting with
     * {@code d} and the second with {@code n}; so the colon of a first token like {@code D512x2:relu} is not
     * mistaken for one, while a malformed header still gets a header error.
     */
    private static int headerEnd(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            return -1;
        }
        String prefix = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        if (prefix.isEmpty() || prefix.charAt(0) != 'd') {
            return -1;
        }
        String[] words = prefix.split("\\s+");
        if (words.length == 1) {
            return isAsciiDigits(words[0].substring(1)) ? colon : -1;
        }
        return words[1].startsWith("n") ? colon : -1;
    }

    /**
     * Parses the sublayer list only.
     *
     * @throws NotationException naming the offending token, its position and what was expected
     */
    public static List<Sublayer> parseSublayers(String body) {
        String[] tokens = body.trim().split("\\s+");
        if (tokens.length == 1 && tokens[0].isEmpty()) {
            throw new NotationException("empty architecture: " + EXPECTED);
        }
        if (tokens.length > Limits.MAX_SUBLAYERS) {
            throw new NotationException(Limits.aboveMaximum("sublayer count", Integer.toString(tokens.length),
                    Limits.MAX_SUBLAYERS));
        }
        List<Sublayer> result = new ArrayList<>(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            result.add(parseToken(tokens[i], i + 1));
        }
        return result;
    }

    private static Sublayer parseToken(String token, int position) {
        String t = token;
        boolean residual = true;
        if (t.endsWith("!")) {
            residual = false;
            t = t.substring(0, t.length() - 1);
        }
        if (t.isEmpty()) {
            throw tokenError(token, position, EXPECTED);
        }
        char kind = Character.toUpperCase(t.charAt(0));
        String rest = t.substring(1).toLowerCase(Locale.ROOT);
        Activation activation = Activation.GELU;
        int sep = rest.indexOf(':');
        if (sep >= 0) {
            if (kind == 'A') {
                throw tokenError(token, position, "attention takes no activation, expected A<heads>");
            }
            String name = rest.substring(sep + 1);
            try {
                activation = Activation.fromConfigName(name);
            } catch (IllegalArgumentException e) {
                throw tokenError(token, position, "activation '" + name + "' is unknown, expected one of "
                        + Activation.allowedNames());
            }
            rest = rest.substring(0, sep);
        }
        try {
            return switch (kind) {
                case 'A' -> new Sublayer.Attention(heads(rest, token, position), residual);
                case 'F' -> new Sublayer.FeedForward(width(rest, token, position), activation, residual);
                case 'D' -> {
                    String[] parts = split(rest, 'x', token, position, "D<width>x<layers>, e.g. D512x2");
                    yield new Sublayer.DeepFeedForward(width(parts[0], token, position),
                            positiveInt(parts[1], token, position, "hidden layers", Limits.MAX_DEEP_LAYERS),
                            activation, residual);
                }
                case 'P' -> {
                    String[] parts = split(rest, '/', token, position, "P<heads>/<width>, e.g. P4/1024");
                    yield new Sublayer.Parallel(heads(parts[0], token, position), width(parts[1], token, position),
                            activation, residual);
                }
                case 'M' -> {
                    String shape = "M<experts>k<top_k>/<width>, e.g. M8k2/512";
                    String[] routing = split(rest, '/', token, position, shape);
                    String[] counts = split(routing[0], 'k', token, position, shape);
                    yield new Sublayer.MixtureOfExperts(
                            positiveInt(counts[0], token, position, "experts", Limits.MAX_EXPERTS),
                            positiveInt(counts[1], token, position, "top_k", Limits.MAX_EXPERTS),
                            width(routing[1], token, position), activation, residual);
                }
                default -> throw tokenError(token, position, EXPECTED);
            };
        } catch (NotationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw tokenError(token, position, e.getMessage());
        }
    }

    /** Splits {@code rest} at the one {@code separator} it must contain. */
    private static String[] split(String rest, char separator, String token, int position, String shape) {
        int at = rest.indexOf(separator);
        if (at < 0 || rest.indexOf(separator, at + 1) >= 0) {
            throw tokenError(token, position, "expected " + shape);
        }
        return new String[] {rest.substring(0, at), rest.substring(at + 1)};
    }

    private static int heads(String digits, String token, int position) {
        return positiveInt(digits, token, position, "heads", Limits.MAX_HEADS);
    }

    private static int width(String digits, String token, int position) {
        return positiveInt(digits, token, position, "width", Limits.MAX_WIDTH);
    }

    /** A count of a token: ASCII digits only, at least 1 and at most {@code max}. */
    private static int positiveInt(String digits, String token, int position, String what, int max) {
        if (!isAsciiDigits(digits)) {
            throw tokenError(token, position, "expected a positive integer " + what + " after '"
                    + Character.toUpperCase(token.charAt(0)) + "'" + nonAsciiHint(digits));
        }
        long value = boundedValue(digits, max);
        if (value < 1) {
            throw tokenError(token, position, what + " must be >= 1");
        }
        if (value > max) {
            throw tokenError(token, position, Limits.aboveMaximum(what, digits, max));
        }
        return (int) value;
    }

    /**
     * Whether {@code s} is a non-empty run of the ASCII digits 0-9: {@link Character#isDigit} and
     * {@link Integer#parseInt} also take other scripts' digits (full-width, Arabic-Indic, ...), which notation
     * must not read as numbers.
     */
    static boolean isAsciiDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The value of ASCII {@code digits}, or {@code max + 1} when it is larger than {@code max} (however long). */
    static long boundedValue(String digits, int max) {
        int start = 0;
        while (start < digits.length() - 1 && digits.charAt(start) == '0') {
            start++;
        }
        // Ten significant digits exceed every int maximum; fewer always fit a long.
        return digits.length() - start > 10 ? max + 1L : Long.parseLong(digits.substring(start));
    }

    private static String nonAsciiHint(String digits) {
        return digits.chars().anyMatch(c -> Character.isDigit(c) && (c < '0' || c > '9'))
                ? " (ASCII digits 0-9 only)" : "";
    }

    private static NotationException tokenError(String token, int position, String expected) {
        return new NotationException("token '" + token + "' at position " + position + ": " + expected);
    }

    private record Header(int dModel, int context, NormPlacement norm, NormKind normKind) {
    }

    private static Header parseHeader(String head) {
        String[] parts = head.trim().split("\\s+");
        if (parts.length != 3 && parts.length != 4) {
            throw new NotationException("header '" + head + "': expected 'd<d_model> n<context> pre|post [rms]'");
        }
        int d = headerInt(parts[0], 'd', head, "d_model", Limits.MAX_D_MODEL);
        int n = headerInt(parts[1], 'n', head, "context", Limits.MAX_CONTEXT);
        try {
            NormPlacement placement = NormPlacement.fromConfigName(parts[2].toLowerCase(Locale.ROOT));
            NormKind kind = parts.length == 4 ? NormKind.fromHeaderWord(parts[3]) : NormKind.LAYER;
            return new Header(d, n, placement, kind);
        } catch (IllegalArgumentException e) {
            throw new NotationException("header '" + head + "': " + e.getMessage());
        }
    }

    private static int headerInt(String part, char prefix, String head, String what, int max) {
        String digits = part.substring(1);
        if (Character.toLowerCase(part.charAt(0)) != prefix || !isAsciiDigits(digits)) {
            throw new NotationException("header '" + head + "': expected '" + prefix + "<positive integer>', got '"
                    + part + "'" + nonAsciiHint(digits));
        }
        long value = boundedValue(digits, max);
        if (value > max) {
            throw new NotationException("header '" + head + "': " + Limits.aboveMaximum(what, digits, max));
        }
        return (int) value;
    }
}
