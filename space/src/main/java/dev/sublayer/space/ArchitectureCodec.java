package dev.sublayer.space;

import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.engine.InvertibleCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The Jenetics encoding of architectures in a {@link SearchSpace}: a fixed-capacity
 * integer genotype with an active prefix.
 *
 * <table>
 *   <caption>Chromosomes (gene values index into the space's lists)</caption>
 *   <tr><th>#</th><th>length</th><th>gene</th></tr>
 *   <tr><td>0</td><td>1</td><td>depth, in [min, max]</td></tr>
 *   <tr><td>1</td><td>1</td><td>d_model index</td></tr>
 *   <tr><td>2</td><td>1</td><td>norm placement index</td></tr>
 *   <tr><td>3</td><td>max depth</td><td>kind index per slot</td></tr>
 *   <tr><td>4</td><td>max depth</td><td>FFN width index per slot</td></tr>
 *   <tr><td>5</td><td>max depth</td><td>attention heads index per slot</td></tr>
 *   <tr><td>6</td><td>max depth</td><td>residual choice index per slot</td></tr>
 *   <tr><td>7</td><td>max depth</td><td>activation index per slot</td></tr>
 *   <tr><td>8</td><td>max depth</td><td>deep-FFN hidden-layers index per slot</td></tr>
 *   <tr><td>9</td><td>max depth</td><td>MoE experts index per slot</td></tr>
 *   <tr><td>10</td><td>max depth</td><td>MoE top-k index per slot</td></tr>
 *   <tr><td>11</td><td>1</td><td>norm kind index</td></tr>
 * </table>
 *
 * Which per-slot genes a slot reads depends on its kind: {@code A} heads; {@code F} width and activation;
 * {@code D} width, activation and hidden layers; {@code P} heads, width and activation; {@code M} width,
 * activation, experts and top-k; every kind its residual gene. The other genes of a slot are inactive, as
 * are all slots at or beyond the depth; decoding ignores them, so every standard alterer applies and every
 * genotype decodes to an architecture inside the space (the space guarantees every top-k fits every expert
 * count). Encoding writes inactive genes as index 0, so {@code decode(encode(a)).equals(a)} for every
 * {@code a} in the space. Chromosomes 8–11 came after 0–7 so that code relying on the earlier layout keeps
 * working.
 */
public final class ArchitectureCodec {

    /** Chromosome of the depth (one gene). */
    public static final int DEPTH = 0;
    /** Chromosome of the d_model index (one gene). */
    public static final int D_MODEL = 1;
    /** Chromosome of the norm placement index (one gene). */
    public static final int NORM = 2;
    /** Chromosome of the kind index per slot. */
    public static final int KIND = 3;
    /** Chromosome of the FFN width index per slot. */
    public static final int WIDTH = 4;
    /** Chromosome of the heads index per slot. */
    public static final int HEADS = 5;
    /** Chromosome of the residual choice index per slot. */
    public static final int RESIDUAL = 6;
    /** Chromosome of the activation index per slot. */
    public static final int ACTIVATION = 7;
    /** Chromosome of the deep-FFN hidden-layers index per slot. */
    public static final int DEEP_LAYERS = 8;
    /** Chromosome of the MoE experts index per slot. */
    public static final int EXPERTS = 9;
    /** Chromosome of the MoE top-k index per slot. */
    public static final int TOP_K = 10;
    /** Chromosome of the norm kind index (one gene). */
    public static final int NORM_KIND = 11;

    private ArchitectureCodec() {
    }

    /**
     * The per-slot chromosomes a slot holding {@code s} reads besides {@link #KIND} and {@link #RESIDUAL}:
     * the genes whose change changes that sublayer (e.g. for a point mutation).
     */
    public static List<Integer> slotChromosomes(Sublayer s) {
        return switch (s) {
            case Sublayer.Attention ignored -> List.of(HEADS);
            case Sublayer.FeedForward ignored -> List.of(WIDTH, ACTIVATION);
            case Sublayer.DeepFeedForward ignored -> List.of(WIDTH, ACTIVATION, DEEP_LAYERS);
            case Sublayer.Parallel ignored -> List.of(HEADS, WIDTH, ACTIVATION);
            case Sublayer.MixtureOfExperts ignored -> List.of(WIDTH, ACTIVATION, EXPERTS, TOP_K);
        };
    }

    /** The invertible codec for {@code space}. */
    public static InvertibleCodec<Architecture, IntegerGene> of(SearchSpace space) {
        int slots = space.maxDepth();
        Genotype<IntegerGene> prototype = Genotype.of(
                IntegerChromosome.of(space.minDepth(), space.maxDepth() + 1, 1),
                IntegerChromosome.of(0, space.dModels().size(), 1),
                IntegerChromosome.of(0, space.norms().size(), 1),
                IntegerChromosome.of(0, space.kinds().size(), slots),
                IntegerChromosome.of(0, space.ffnWidths().size(), slots),
                IntegerChromosome.of(0, space.heads().size(), slots),
                IntegerChromosome.of(0, space.residual().size(), slots),
                IntegerChromosome.of(0, space.activations().size(), slots),
                IntegerChromosome.of(0, space.deepFfnLayers().size(), slots),
                IntegerChromosome.of(0, space.moeExperts().size(), slots),
                IntegerChromosome.of(0, space.moeTopK().size(), slots),
                IntegerChromosome.of(0, space.normKinds().size(), 1));
        return InvertibleCodec.of(prototype, g -> decode(space, g), a -> encode(space, prototype, a));
    }

    static Architecture decode(SearchSpace space, Genotype<IntegerGene> g) {
        int depth = g.get(DEPTH).get(0).intValue();
        int dModel = space.dModels().get(g.get(D_MODEL).get(0).intValue());
        NormPlacement norm = space.norms().get(g.get(NORM).get(0).intValue());
        NormKind normKind = space.normKinds().get(g.get(NORM_KIND).get(0).intValue());
        List<Sublayer> sublayers = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            boolean residual = space.residual().get(gene(g, RESIDUAL, i));
            int heads = space.heads().get(gene(g, HEADS, i));
            int width = space.ffnWidths().get(gene(g, WIDTH, i));
            Activation activation = space.activations().get(gene(g, ACTIVATION, i));
            Sublayer s = switch (space.kinds().get(gene(g, KIND, i))) {
                case ATTENTION -> new Sublayer.Attention(heads, residual);
                case FFN -> new Sublayer.FeedForward(width, activation, residual);
                case DEEP_FFN -> new Sublayer.DeepFeedForward(width, space.deepFfnLayers().get(gene(g, DEEP_LAYERS, i)),
                        activation, residual);
                case PARALLEL -> new Sublayer.Parallel(heads, width, activation, residual);
                case MOE -> new Sublayer.MixtureOfExperts(space.moeExperts().get(gene(g, EXPERTS, i)),
                        space.moeTopK().get(gene(g, TOP_K, i)), width, activation, residual);
            };
            sublayers.add(s);
        }
        return new Architecture(sublayers, dModel, space.context(), norm, normKind);
    }

    private static int gene(Genotype<IntegerGene> g, int chromosome, int slot) {
        return g.get(chromosome).get(slot).intValue();
    }

    private static Genotype<IntegerGene> encode(SearchSpace space, Genotype<IntegerGene> prototype, Architecture a) {
        space.requireContains(a);
        int slots = space.maxDepth();
        int[] kind = new int[slots];
        int[] width = new int[slots];
        int[] heads = new int[slots];
        int[] residual = new int[slots];
        int[] activation = new int[slots];
        int[] deepLayers = new int[slots];
        int[] experts = new int[slots];
        int[] topK = new int[slots];
        for (int i = 0; i < a.depth(); i++) {
            Sublayer s = a.sublayers().get(i);
            kind[i] = space.kinds().indexOf(s.kind());
            residual[i] = space.residual().indexOf(s.residual());
            switch (s) {
                case Sublayer.Attention att -> heads[i] = space.heads().indexOf(att.heads());
                case Sublayer.FeedForward f -> {
                    width[i] = space.ffnWidths().indexOf(f.width());
                    activation[i] = space.activations().indexOf(f.activation());
                }
                case Sublayer.DeepFeedForward f -> {
                    width[i] = space.ffnWidths().indexOf(f.width());
                    activation[i] = space.activations().indexOf(f.activation());
                    deepLayers[i] = space.deepFfnLayers().indexOf(f.layers());
                }
                case Sublayer.Parallel p -> {
                    heads[i] = space.heads().indexOf(p.heads());
                    width[i] = space.ffnWidths().indexOf(p.width());
                    activation[i] = space.activations().indexOf(p.activation());
                }
                case Sublayer.MixtureOfExperts m -> {
                    width[i] = space.ffnWidths().indexOf(m.width());
                    activation[i] = space.activations().indexOf(m.activation());
                    experts[i] = space.moeExperts().indexOf(m.experts());
                    topK[i] = space.moeTopK().indexOf(m.topK());
                }
            }
        }
        return Genotype.of(
                withValues(prototype, DEPTH, a.depth()),
                withValues(prototype, D_MODEL, space.dModels().indexOf(a.dModel())),
                withValues(prototype, NORM, space.norms().indexOf(a.norm())),
                withValues(prototype, KIND, kind),
                withValues(prototype, WIDTH, width),
                withValues(prototype, HEADS, heads),
                withValues(prototype, RESIDUAL, residual),
                withValues(prototype, ACTIVATION, activation),
                withValues(prototype, DEEP_LAYERS, deepLayers),
                withValues(prototype, EXPERTS, experts),
                withValues(prototype, TOP_K, topK),
                withValues(prototype, NORM_KIND, space.normKinds().indexOf(a.normKind())));
    }

    private static IntegerChromosome withValues(Genotype<IntegerGene> prototype, int chromosome, int... values) {
        IntegerChromosome c = (IntegerChromosome) prototype.get(chromosome);
        List<IntegerGene> genes = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            genes.add(c.get(i).newInstance(values[i]));
        }
        return IntegerChromosome.of(genes);
    }
}
