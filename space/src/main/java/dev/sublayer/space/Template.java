package dev.sublayer.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A named layout of attention ({@code A}) and FFN ({@code F}) sublayers that can be
 * built at any depth: the known designs a study seeds its first population with and
 * compares against.
 */
public sealed interface Template
        permits Template.Interleaved, Template.Sandwich, Template.Par, Template.Macaron, Template.FfnStacked {

    /** The template's name as configs write it, e.g. {@code sandwich_2}. */
    String name();

    /** The kinds, bottom first, for {@code depth} sublayers. */
    List<Sublayer.Kind> kinds(int depth);

    /**
     * The template at {@code depth} inside {@code space}: residual sublayers (when the
     * space allows them), the space's middle FFN width and middle head count, its first
     * d_model, activation, norm placement and norm kind. Templates lay out attention and
     * plain FFN sublayers only.
     *
     * @throws IllegalArgumentException if the space forbids a kind the template needs
     */
    default Architecture build(int depth, SearchSpace space) {
        int width = space.ffnWidths().get(space.ffnWidths().size() / 2);
        int heads = space.heads().get(space.heads().size() / 2);
        boolean residual = space.residual().contains(true);
        List<Sublayer> sublayers = new ArrayList<>(depth);
        for (Sublayer.Kind k : kinds(depth)) {
            if (!space.kinds().contains(k)) {
                throw new IllegalArgumentException("template " + name() + " needs " + k.configName()
                        + " sublayers, which the space's kinds " + space.kinds() + " forbid");
            }
            sublayers.add(switch (k) {
                case ATTENTION -> new Sublayer.Attention(heads, residual);
                case FFN -> new Sublayer.FeedForward(width, space.activations().getFirst(), residual);
                case DEEP_FFN, PARALLEL, MOE -> throw new IllegalStateException("template " + name()
                        + " laid out a " + k.configName() + " sublayer; templates use attention and ffn only");
            });
        }
        return new Architecture(sublayers, space.dModels().getFirst(), space.context(), space.norms().getFirst(),
                space.normKinds().getFirst());
    }

    /** The five standard templates with their usual parameters. */
    static List<Template> standard() {
        return List.of(new Interleaved(), new Sandwich(2), new Par(2), new Macaron(), new FfnStacked(2));
    }

    /**
     * Parses a template name: {@code interleaved}, {@code sandwich_K}, {@code par_P},
     * {@code macaron}, {@code ffn_stacked_M}.
     *
     * @throws IllegalArgumentException naming the value and the allowed forms
     */
    static Template parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        try {
            if (n.equals("interleaved")) {
                return new Interleaved();
            }
            if (n.equals("macaron")) {
                return new Macaron();
            }
            if (n.startsWith("sandwich_")) {
                return new Sandwich(count(n.substring("sandwich_".length())));
            }
            if (n.startsWith("par_")) {
                return new Par(count(n.substring("par_".length())));
            }
            if (n.startsWith("ffn_stacked_")) {
                return new FfnStacked(count(n.substring("ffn_stacked_".length())));
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("unknown template '" + name
                + "', expected interleaved, sandwich_K, par_P, macaron or ffn_stacked_M (K, P, M positive integers)");
    }

    /** A template's count: ASCII digits only ({@link Integer#parseInt} also reads other scripts' digits). */
    private static int count(String digits) {
        if (!Notation.isAsciiDigits(digits)) {
            throw new NumberFormatException("not ASCII digits: " + digits);
        }
        return Integer.parseInt(digits);
    }

    private static List<Sublayer.Kind> cycle(int depth, String pattern) {
        List<Sublayer.Kind> out = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            out.add(pattern.charAt(i % pattern.length()) == 'A' ? Sublayer.Kind.ATTENTION : Sublayer.Kind.FFN);
        }
        return out;
    }

    /** {@code (A F)^n}: the standard transformer; odd depths end with an attention. */
    record Interleaved() implements Template {
        @Override
        public String name() {
            return "interleaved";
        }

        @Override
        public List<Sublayer.Kind> kinds(int depth) {
            return cycle(depth, "AF");
        }
    }

    /**
     * Sandwich transformer (Press et al. 2020): {@code A^k (A F)^(n-k) F^k} for depth
     * {@code 2n}, {@code k} clamped to {@code n}; an odd depth gets one more attention at the bottom.
     *
     * @param k the sandwich coefficient, >= 1
     */
    record Sandwich(int k) implements Template {
        public Sandwich {
            if (k < 1) {
                throw new IllegalArgumentException("sandwich coefficient must be >= 1, got " + k);
            }
        }

        @Override
        public String name() {
            return "sandwich_" + k;
        }

        @Override
        public List<Sublayer.Kind> kinds(int depth) {
            int n = depth / 2;
            int kk = Math.min(k, n);
            StringBuilder p = new StringBuilder();
            if (depth % 2 == 1) {
                p.append('A');
            }
            p.append("A".repeat(kk)).append("AF".repeat(n - kk)).append("F".repeat(kk));
            return cycle(depth, p.toString());
        }
    }

    /**
     * PAR-style (Mandava et al. 2020): attention only in the lower two thirds, where
     * each attention is followed by {@code ratio} FFNs; the top third is all FFN.
     *
     * @param ratio FFNs per attention in the lower part, >= 1
     */
    record Par(int ratio) implements Template {
        public Par {
            if (ratio < 1) {
                throw new IllegalArgumentException("PAR ratio must be >= 1, got " + ratio);
            }
        }

        @Override
        public String name() {
            return "par_" + ratio;
        }

        @Override
        public List<Sublayer.Kind> kinds(int depth) {
            int lower = (2 * depth + 2) / 3;
            List<Sublayer.Kind> out = new ArrayList<>(cycle(lower, "A" + "F".repeat(ratio)));
            out.addAll(cycle(depth - lower, "F"));
            return out;
        }
    }

    /** Macaron (Lu et al. 2019): {@code (F A F)^n}, truncated to the depth. */
    record Macaron() implements Template {
        @Override
        public String name() {
            return "macaron";
        }

        @Override
        public List<Sublayer.Kind> kinds(int depth) {
            return cycle(depth, "FAF");
        }
    }

    /**
     * FFN-stacked: {@code (A F^m)^n}, truncated to the depth.
     *
     * @param m FFNs after each attention, >= 1
     */
    record FfnStacked(int m) implements Template {
        public FfnStacked {
            if (m < 1) {
                throw new IllegalArgumentException("FFN stack size must be >= 1, got " + m);
            }
        }

        @Override
        public String name() {
            return "ffn_stacked_" + m;
        }

        @Override
        public List<Sublayer.Kind> kinds(int depth) {
            return cycle(depth, "A" + "F".repeat(m));
        }
    }
}
