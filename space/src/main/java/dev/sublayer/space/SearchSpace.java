package dev.sublayer.space;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The bounds a study searches in. Immutable; every list is non-empty, free of
 * duplicates and kept in the order given (the codec's gene values index into them).
 *
 * <p>Read from YAML or JSON with {@link SearchSpaceReader}; the constructor checks
 * every bound and names the offending field with its config name. Sizes are bounded by the {@link Limits}
 * (e.g. {@code /ffn_widths/0: must be between 1 and 1048576, got 2000000}).
 *
 * <p>The FFN settings are shared by every kind with an FFN path: {@code ffn_widths} and {@code activations}
 * apply to {@code F}, {@code D}, the FFN half of {@code P} and each expert of {@code M}; {@code heads} to
 * {@code A} and {@code P}. {@code deep_ffn_layers} matters only with {@code deep_ffn} in {@code kinds},
 * {@code moe_experts} and {@code moe_top_k} only with {@code moe}; every top-k must be at most every expert
 * count, so each combination is a valid sublayer.
 *
 * @param minDepth      the fewest sublayers, >= 1
 * @param maxDepth      the most sublayers, >= minDepth (also the genotype's capacity)
 * @param kinds         the sublayer kinds that may appear
 * @param ffnWidths     the FFN hidden widths to choose from
 * @param heads         the attention head counts to choose from; each divides every d_model
 * @param residual      the residual choices: {@code [true]} always residual, {@code [true, false]} optional
 * @param activations   the FFN activations to choose from
 * @param dModels       the residual-stream widths to choose from
 * @param context       the context length (fixed by the data pipeline)
 * @param norms         the norm placements to choose from
 * @param deepFfnLayers the hidden-layer counts of deep FFNs, each >= 2
 * @param moeExperts    the expert counts of MoE sublayers, each >= 2
 * @param moeTopK       the experts per token of MoE sublayers, each >= 1 and <= every expert count
 * @param normKinds     the norm kinds to choose from (LayerNorm, RMSNorm)
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
        List<NormPlacement> norms,
        List<Integer> deepFfnLayers,
        List<Integer> moeExperts,
        List<Integer> moeTopK,
        List<NormKind> normKinds) {

    /** Deep-FFN hidden layers when a config sets none. */
    public static final List<Integer> DEFAULT_DEEP_FFN_LAYERS = List.of(2, 3);
    /** MoE expert counts when a config sets none. */
    public static final List<Integer> DEFAULT_MOE_EXPERTS = List.of(4, 8);
    /** MoE top-k values when a config sets none. */
    public static final List<Integer> DEFAULT_MOE_TOP_K = List.of(1, 2);

    /** The largest depth a space may allow; bounds the genotype size. */
    public static final int MAX_DEPTH_LIMIT = 256;

    public SearchSpace {
        if (minDepth < 1 || minDepth > MAX_DEPTH_LIMIT) {
            throw new SpaceException("/depth/min", "must be between 1 and " + MAX_DEPTH_LIMIT + ", got " + minDepth);
        }
        if (maxDepth < minDepth || maxDepth > MAX_DEPTH_LIMIT) {
            throw new SpaceException("/depth/max", "must be between depth.min (" + minDepth + ") and "
                    + MAX_DEPTH_LIMIT + ", got " + maxDepth);
        }
        kinds = distinct("/kinds", kinds);
        ffnWidths = within("/ffn_widths", distinct("/ffn_widths", ffnWidths), 1, Limits.MAX_WIDTH);
        heads = within("/heads", distinct("/heads", heads), 1, Limits.MAX_HEADS);
        residual = distinct("/residual", residual);
        activations = distinct("/activations", activations);
        dModels = within("/d_model", distinct("/d_model", dModels), 1, Limits.MAX_D_MODEL);
        norms = distinct("/norms", norms);
        deepFfnLayers = within("/deep_ffn_layers", distinct("/deep_ffn_layers", deepFfnLayers), 2,
                Limits.MAX_DEEP_LAYERS);
        moeExperts = within("/moe_experts", distinct("/moe_experts", moeExperts), 2, Limits.MAX_EXPERTS);
        moeTopK = within("/moe_top_k", distinct("/moe_top_k", moeTopK), 1, Limits.MAX_EXPERTS);
        normKinds = distinct("/norm_kinds", normKinds);
        int fewestExperts = moeExperts.stream().mapToInt(Integer::intValue).min().orElseThrow();
        for (int i = 0; i < moeTopK.size(); i++) {
            if (moeTopK.get(i) > fewestExperts) {
                throw new SpaceException("/moe_top_k/" + i, "top-k " + moeTopK.get(i)
                        + " must be <= every moe_experts, but not " + fewestExperts);
            }
        }
        if (context < 1 || context > Limits.MAX_CONTEXT) {
            throw new SpaceException("/context", "must be between 1 and " + Limits.MAX_CONTEXT + ", got " + context);
        }
        for (int h : heads) {
            for (int d : dModels) {
                if (d % h != 0) {
                    throw new SpaceException("/heads", "heads " + h + " must divide every d_model, but not " + d);
                }
            }
        }
    }

    /**
     * A space of attention and plain FFN sublayers with LayerNorm (the settings of the other kinds at their
     * defaults: deep-FFN layers [2, 3], MoE experts [4, 8], top-k [1, 2]).
     */
    public SearchSpace(int minDepth, int maxDepth, List<Sublayer.Kind> kinds, List<Integer> ffnWidths,
            List<Integer> heads, List<Boolean> residual, List<Activation> activations, List<Integer> dModels,
            int context, List<NormPlacement> norms) {
        this(minDepth, maxDepth, kinds, ffnWidths, heads, residual, activations, dModels, context, norms,
                DEFAULT_DEEP_FFN_LAYERS, DEFAULT_MOE_EXPERTS, DEFAULT_MOE_TOP_K, List.of(NormKind.LAYER));
    }

    /** A small default space: depth 2–8, attention and FFN, d_model 128, context 128, pre-LN LayerNorm. */
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
            out.add("norm " + a.norm().configName() + " is not in norms "
                    + names(norms.stream().map(NormPlacement::configName).toList()));
        }
        if (!normKinds.contains(a.normKind())) {
            out.add("norm kind " + a.normKind().configName() + " is not in norm_kinds "
                    + names(normKinds.stream().map(NormKind::configName).toList()));
        }
        for (int i = 0; i < a.depth(); i++) {
            Sublayer s = a.sublayers().get(i);
            String where = "sublayer " + (i + 1) + " (" + Notation.format(s) + "): ";
            if (!kinds.contains(s.kind())) {
                out.add(where + "kind " + s.kind().configName() + " is not in kinds "
                        + names(kinds.stream().map(Sublayer.Kind::configName).toList()));
            }
            if (!residual.contains(s.residual())) {
                out.add(where + "residual " + s.residual() + " is not in residual " + residual);
            }
            switch (s) {
                case Sublayer.Attention att -> checkHeads(out, where, att.heads());
                case Sublayer.FeedForward f -> checkFfn(out, where, f.width(), f.activation());
                case Sublayer.DeepFeedForward f -> {
                    checkFfn(out, where, f.width(), f.activation());
                    if (!deepFfnLayers.contains(f.layers())) {
                        out.add(where + "hidden layers " + f.layers() + " is not in deep_ffn_layers " + deepFfnLayers);
                    }
                }
                case Sublayer.Parallel p -> {
                    checkHeads(out, where, p.heads());
                    checkFfn(out, where, p.width(), p.activation());
                }
                case Sublayer.MixtureOfExperts m -> {
                    checkFfn(out, where, m.width(), m.activation());
                    if (!moeExperts.contains(m.experts())) {
                        out.add(where + "experts " + m.experts() + " is not in moe_experts " + moeExperts);
                    }
                    if (!moeTopK.contains(m.topK())) {
                        out.add(where + "top-k " + m.topK() + " is not in moe_top_k " + moeTopK);
                    }
                }
            }
        }
        return out;
    }

    private void checkHeads(List<String> out, String where, int h) {
        if (!heads.contains(h)) {
            out.add(where + "heads " + h + " is not in heads " + heads);
        }
    }

    private void checkFfn(List<String> out, String where, int width, Activation activation) {
        if (!ffnWidths.contains(width)) {
            out.add(where + "width " + width + " is not in ffn_widths " + ffnWidths);
        }
        if (!activations.contains(activation)) {
            out.add(where + "activation " + activation.configName() + " is not in activations "
                    + names(activations.stream().map(Activation::configName).toList()));
        }
    }

    private static String names(List<String> names) {
        return "[" + String.join(", ", names) + "]";
    }

    /**
     * Every distinct sublayer this space can produce, with a residual connection (residual choice changes
     * no cost), kind by kind in the order of {@link #kinds()}: for bounds such as the largest sublayer's
     * parameters or FLOPs ({@link CostModel#params(Sublayer, int, NormKind)} and friends) without knowing
     * the kinds.
     */
    public List<Sublayer> sublayerChoices() {
        List<Sublayer> out = new ArrayList<>();
        for (Sublayer.Kind kind : kinds) {
            switch (kind) {
                case ATTENTION -> heads.forEach(h -> out.add(new Sublayer.Attention(h, true)));
                case FFN -> forEachFfn((w, a) -> out.add(new Sublayer.FeedForward(w, a, true)));
                case DEEP_FFN -> deepFfnLayers.forEach(k -> forEachFfn(
                        (w, a) -> out.add(new Sublayer.DeepFeedForward(w, k, a, true))));
                case PARALLEL -> heads.forEach(h -> forEachFfn((w, a) -> out.add(new Sublayer.Parallel(h, w, a, true))));
                case MOE -> moeExperts.forEach(e -> moeTopK.forEach(k -> forEachFfn(
                        (w, a) -> out.add(new Sublayer.MixtureOfExperts(e, k, w, a, true)))));
            }
        }
        return out;
    }

    private void forEachFfn(java.util.function.BiConsumer<Integer, Activation> action) {
        for (int w : ffnWidths) {
            for (Activation a : activations) {
                action.accept(w, a);
            }
        }
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

    private static List<Integer> within(String field, List<Integer> values, int min, int max) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) < min || values.get(i) > max) {
                throw new SpaceException(field + "/" + i, "must be between " + min + " and " + max + ", got "
                        + values.get(i));
            }
        }
        return values;
    }
}
