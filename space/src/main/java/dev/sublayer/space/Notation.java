package dev.sublayer.space;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The canonical text form of architectures.
 *
 * <pre>
 *   architecture := [header ":"] sublayer (" " sublayer)*
 *   header       := "d" d_model " n" context " " ("pre" | "post")
 *   sublayer     := attention | ffn
 *   attention    := "A" heads ["!"]
 *   ffn          := "F" width [":" activation] ["!"]
 * </pre>
 *
 * {@code !} marks a sublayer without residual connection; the activation is
 * written only when it is not GELU. Examples: {@code A4 F512 F512! A4 F1024},
 * {@code d256 n512 post: A8 F1024:relu A8 F1024:relu}. Formatting is canonical,
 * so {@code parse(format(a)).equals(a)} and equal architectures format equally.
 * Parsing tolerates extra whitespace and lower-case letters.
 */
public final class Notation {

    private static final String EXPECTED =
            "expected A<heads> or F<width>[:activation], optionally followed by ! (no residual)";

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
            case Sublayer.FeedForward f -> "F" + f.width()
                    + (f.activation() == Activation.GELU ? "" : ":" + f.activation().configName());
        };
        return sublayer.residual() ? body : body + "!";
    }

    /** The full canonical form with header, e.g. {@code d128 n256 pre: A4 F512}. */
    public static String format(Architecture a) {
        return "d" + a.dModel() + " n" + a.context() + " " + a.norm().configName() + ": " + format(a.sublayers());
    }

    /**
     * Parses a full canonical form (header required).
     *
     * @throws NotationException if the text is malformed or describes an invalid architecture
     */
    public static Architecture parse(String text) {
        int colon = text.indexOf(':');
        int header = colon >= 0 && text.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT).startsWith("d")
                ? colon : -1;
        if (header < 0) {
            throw new NotationException("missing header: expected 'd<d_model> n<context> pre|post: ' before the sublayers in '"
                    + text + "'");
        }
        return parse(text, 0, 0, NormPlacement.PRE);
    }

    /**
     * Parses notation, with or without a header; a header overrides the given dimensions.
     *
     * @param text    the notation
     * @param dModel  d_model to use when there is no header
     * @param context context length to use when there is no header
     * @param norm    norm placement to use when there is no header
     * @throws NotationException naming the offending token, its position and what was expected
     */
    public static Architecture parse(String text, int dModel, int context, NormPlacement norm) {
        if (text == null || text.isBlank()) {
            throw new NotationException("empty architecture: " + EXPECTED);
        }
        String body = text;
        int colon = text.indexOf(':');
        if (colon >= 0) {
            String head = text.substring(0, colon).trim();
            if (!head.isEmpty() && Character.toLowerCase(head.charAt(0)) == 'd') {
                Header h = parseHeader(head);
                dModel = h.dModel;
                context = h.context;
                norm = h.norm;
                body = text.substring(colon + 1);
            }
        }
        List<Sublayer> sublayers = parseSublayers(body);
        try {
            return new Architecture(sublayers, dModel, context, norm);
        } catch (IllegalArgumentException e) {
            throw new NotationException(e.getMessage());
        }
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
        String rest = t.substring(1);
        return switch (kind) {
            case 'A' -> new Sublayer.Attention(positiveInt(rest, token, position, "heads"), residual);
            case 'F' -> {
                Activation activation = Activation.GELU;
                int sep = rest.indexOf(':');
                if (sep >= 0) {
                    String name = rest.substring(sep + 1).toLowerCase(java.util.Locale.ROOT);
                    try {
                        activation = Activation.fromConfigName(name);
                    } catch (IllegalArgumentException e) {
                        throw tokenError(token, position, "activation '" + name + "' is unknown, expected one of "
                                + Activation.allowedNames());
                    }
                    rest = rest.substring(0, sep);
                }
                yield new Sublayer.FeedForward(positiveInt(rest, token, position, "width"), activation, residual);
            }
            default -> throw tokenError(token, position, EXPECTED);
        };
    }

    private static int positiveInt(String digits, String token, int position, String what) {
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 9) {
            throw tokenError(token, position, "expected a positive integer " + what + " after '"
                    + Character.toUpperCase(token.charAt(0)) + "'");
        }
        int value = Integer.parseInt(digits);
        if (value < 1) {
            throw tokenError(token, position, what + " must be >= 1");
        }
        return value;
    }

    private static NotationException tokenError(String token, int position, String expected) {
        return new NotationException("token '" + token + "' at position " + position + ": " + expected);
    }

    private record Header(int dModel, int context, NormPlacement norm) {
    }

    private static Header parseHeader(String head) {
        String[] parts = head.trim().split("\\s+");
        if (parts.length != 3) {
            throw new NotationException("header '" + head + "': expected 'd<d_model> n<context> pre|post'");
        }
        int d = headerInt(parts[0], 'd', head);
        int n = headerInt(parts[1], 'n', head);
        try {
            return new Header(d, n, NormPlacement.fromConfigName(parts[2].toLowerCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new NotationException("header '" + head + "': " + e.getMessage());
        }
    }

    private static int headerInt(String part, char prefix, String head) {
        String digits = part.substring(1);
        if (Character.toLowerCase(part.charAt(0)) != prefix || digits.isEmpty()
                || !digits.chars().allMatch(Character::isDigit) || digits.length() > 9) {
            throw new NotationException("header '" + head + "': expected '" + prefix + "<positive integer>', got '"
                    + part + "'");
        }
        return Integer.parseInt(digits);
    }
}
