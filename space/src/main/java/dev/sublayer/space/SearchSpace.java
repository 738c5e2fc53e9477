package dev.sublayer.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The bounds a study searches in. Immutable; every list is non-empty, free of
 * duplicates and kept in the order given (the codec's gene values index into them).
 *
 * <p>Read from YAML or JSON with {@link SearchSpaceReader}; the constructor checks
 * every bound and names the offending field with its config name.
 *
 * @param minDepth    the fewest sublayers, >= 1
 * @param maxDepth    the most sublayers, >= minDepth (also the genotype's capacity)
 * @param kinds       the sublayer kinds that may appear
 * @param ffnWidths   the FFN hidden widths to choose from
 * @param heads       the attention head counts to choose from; each divides every d_model
 * @param residual    the residual choices: {@code [true]} always residual, {@code [true, false]} optional
 * @param activations the FFN activations to choose from
 * @param dModels     the residual-stream widths to choose from
 * @param context     the context length (fixed by the data pipeline)
 * @param norms       the norm placements to choose from
 */
public record SearchSpace(
        int minDepth,
        int maxDepth,
        List<Sublayer.Kind> kinds,
        List<Integer> ffnWidths,
        List<Integer> heads,
        List<Boolean> residual,
        List<Activation> activations,
        List<Integer> dModels,
        int context,
        List<NormPlacement> norms) {

    /** The largest depth a space may allow; bounds the genotype size. */
    public static final int MAX_DEPTH_LIMIT = 256;

    public SearchSpace {
        if (minDepth < 1) {
            throw new SpaceException("/depth/min", "must be >= 1, got " + minDepth);
        }
        if (maxDepth < minDepth || maxDepth > MAX_DEPTH_LIMIT) {
            throw new SpaceException("/depth/max", "must be between depth.min (" + minDepth + ") and "
                    + MAX_DEPTH_LIMIT + ", got " + maxDepth);
        }
        kinds = distinct("/kinds", kinds);
        ffnWidths = positive("/ffn_widths", distinct("/ffn_widths", ffnWidths));
        heads = positive("/heads", distinct("/heads", heads));
        residual = distinct("/residual", residual);
        activations = distinct("/activations", activations);
        dModels = positive("/d_model", distinct("/d_model", dModels));
        norms = distinct("/norms", norms);
        if (context < 1) {
            throw new SpaceException("/context", "must be >= 1, got " + context);
        }
        for (int h : heads) {
            for (int d : dModels) {
                if (d % h != 0) {
                    throw new SpaceException("/heads", "heads " + h + " must divide every d_model, but not " + d);
                }
            }
        }
    }

    /** A small default space: depth 2–8, attention and FFN, d_model 128, context 128. */
    public static SearchSpace defaults() {
        return new SearchSpace(2, 8, List.of(Sublayer.Kind.ATTENTION, Sublayer.Kind.FFN), List.of(256, 512, 1024),
                List.of(2, 4), List.of(true, false), List.of(Activation.GELU), List.of(128), 128,
                List.of(NormPlacement.PRE));
    }

    /**
     * What puts {@code a} outside this space, one line per violation; empty when it is inside.
     */
    public List<String> violations(Architecture a) {
        List<String> out = new ArrayList<>();
        if (a.depth() < minDepth || a.depth() > maxDepth) {
            out.add("depth " + a.depth() + " is outside depth " + minDepth + ".." + maxDepth);
        }
        if (!dModels.contains(a.dModel())) {
            out.add("d_model " + a.dModel() + " is not in d_model " + dModels);
        }
        if (a.context() != context) {
            out.add("context " + a.context() + " is not the space's context " + context);
        }
        if (!norms.contains(a.norm())) {
            out.add("norm " + a.norm().configName() + " is not in norms " + norms);
        }
        for (int i = 0; i < a.depth(); i++) {
            Sublayer s = a.sublayers().get(i);
            String where = "sublayer " + (i + 1) + " (" + Notation.format(s) + "): ";
            if (!kinds.contains(s.kind())) {
                out.add(where + "kind " + s.kind().configName() + " is not in kinds " + kinds);
            }
            if (!residual.contains(s.residual())) {
                out.add(where + "residual " + s.residual() + " is not in residual " + residual);
            }
            switch (s) {
                case Sublayer.Attention att -> {
                    if (!heads.contains(att.heads())) {
                        out.add(where + "heads " + att.heads() + " is not in heads " + heads);
                    }
                }
                case Sublayer.FeedForward f -> {
                    if (!ffnWidths.contains(f.width())) {
                        out.add(where + "width " + f.width() + " is not in ffn_widths " + ffnWidths);
                    }
                    if (!activations.contains(f.activation())) {
                        out.add(where + "activation " + f.activation().configName() + " is not in activations "
                                + activations);
                    }
                }
            }
        }
        return out;
    }

    /** Whether {@code a} lies inside this space. */
    public boolean contains(Architecture a) {
        return violations(a).isEmpty();
    }

    /**
     * Returns {@code a} when it lies inside this space.
     *
     * @throws IllegalArgumentException listing every violation
     */
    public Architecture requireContains(Architecture a) {
        List<String> v = violations(a);
        if (!v.isEmpty()) {
            throw new IllegalArgumentException("architecture " + a.notation() + " is outside the search space: "
                    + String.join("; ", v));
        }
        return a;
    }

    private static <T> List<T> distinct(String field, List<T> values) {
        Objects.requireNonNull(values, field);
        if (values.isEmpty()) {
            throw new SpaceException(field, "must not be empty");
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                throw new SpaceException(field + "/" + i, "must not be null");
            }
            if (values.indexOf(values.get(i)) != i) {
                throw new SpaceException(field + "/" + i, "duplicate value " + values.get(i));
            }
        }
        return List.copyOf(values);
    }

    private static List<Integer> positive(String field, List<Integer> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) < 1) {
                throw new SpaceException(field + "/" + i, "must be >= 1, got " + values.get(i));
            }
        }
        return values;
    }
}
