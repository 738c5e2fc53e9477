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
 * </table>
 *
 * Slots at or beyond the depth are inactive and ignored by decoding, so every
 * standard alterer applies and every genotype decodes to an architecture inside
 * the space. Encoding writes inactive slots as index 0, so
 * {@code decode(encode(a)).equals(a)} for every {@code a} in the space.
 */
public final class ArchitectureCodec {

    static final int DEPTH = 0;
    static final int D_MODEL = 1;
    static final int NORM = 2;
    static final int KIND = 3;
    static final int WIDTH = 4;
    static final int HEADS = 5;
    static final int RESIDUAL = 6;
    static final int ACTIVATION = 7;

    private ArchitectureCodec() {
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
                IntegerChromosome.of(0, space.activations().size(), slots));
        return InvertibleCodec.of(prototype, g -> decode(space, g), a -> encode(space, prototype, a));
    }

    static Architecture decode(SearchSpace space, Genotype<IntegerGene> g) {
        int depth = g.get(DEPTH).get(0).intValue();
        int dModel = space.dModels().get(g.get(D_MODEL).get(0).intValue());
        NormPlacement norm = space.norms().get(g.get(NORM).get(0).intValue());
        List<Sublayer> sublayers = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            boolean residual = space.residual().get(g.get(RESIDUAL).get(i).intValue());
            Sublayer s = switch (space.kinds().get(g.get(KIND).get(i).intValue())) {
                case ATTENTION -> new Sublayer.Attention(space.heads().get(g.get(HEADS).get(i).intValue()), residual);
                case FFN -> new Sublayer.FeedForward(space.ffnWidths().get(g.get(WIDTH).get(i).intValue()),
                        space.activations().get(g.get(ACTIVATION).get(i).intValue()), residual);
            };
            sublayers.add(s);
        }
        return new Architecture(sublayers, dModel, space.context(), norm);
    }

    private static Genotype<IntegerGene> encode(SearchSpace space, Genotype<IntegerGene> prototype, Architecture a) {
        space.requireContains(a);
        int slots = space.maxDepth();
        int[] kind = new int[slots];
        int[] width = new int[slots];
        int[] heads = new int[slots];
        int[] residual = new int[slots];
        int[] activation = new int[slots];
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
                withValues(prototype, ACTIVATION, activation));
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
