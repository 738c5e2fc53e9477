package dev.sublayer.space;

import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.engine.Codec;
import io.jenetics.util.RandomRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * The seeded random architectures, sublayers and search spaces of every module's tests, in one place. Every
 * draw comes from the generator the caller passes, so a seed fixes the whole sequence.
 *
 * <p>An instance is a set of ranges: {@link #TINY} for what an engine builds and trains in milliseconds,
 * {@link #WIDE} for tests that only compute (notation, cost model). Every instance draws every sublayer kind,
 * every activation, any residual choice, both norm placements and both norm kinds; head counts always divide
 * d_model.
 *
 * @param dModels     the d_model values to pick from
 * @param maxDepth    the most sublayers (at least one)
 * @param minContext  the shortest context
 * @param maxContext  the longest context
 * @param minFfnWidth the narrowest FFN hidden width
 * @param maxFfnWidth the widest FFN hidden width
 * @param maxHeads    the most attention heads (a draw that does not divide d_model is drawn again)
 * @param maxFfnDepth the most hidden layers of a deep FFN (at least two)
 * @param maxExperts  the most experts of a mixture of experts (at least two; top-k is any of 1..experts)
 */
public record RandomArchitectures(List<Integer> dModels, int maxDepth, int minContext, int maxContext,
        int minFfnWidth, int maxFfnWidth, int maxHeads, int maxFfnDepth, int maxExperts) {

    /** Engine-sized: d 8–32, 1–6 sublayers, context 2–16, FFN width 4–63, 2–4 deep-FFN layers, 2–6 experts. */
    public static final RandomArchitectures TINY = new RandomArchitectures(List.of(8, 12, 16, 24, 32), 6, 2, 16, 4,
            63, 8, 4, 6);

    /** For tests that only compute: d 16–128, 1–12 sublayers, context 1–1024, width 1–2048, 2–16 experts. */
    public static final RandomArchitectures WIDE = new RandomArchitectures(List.of(16, 24, 32, 64, 96, 128), 12, 1,
            1024, 1, 2048, 8, 5, 16);

    /** Checks the ranges and copies the d_model list. */
    public RandomArchitectures {
        dModels = List.copyOf(dModels);
        if (dModels.isEmpty() || maxDepth < 1 || minContext < 1 || maxContext < minContext || minFfnWidth < 1
                || maxFfnWidth < minFfnWidth || maxHeads < 1 || maxFfnDepth < 2 || maxExperts < 2) {
            throw new IllegalArgumentException("bad ranges: " + dModels + ", depth " + maxDepth + ", context "
                    + minContext + ".." + maxContext + ", width " + minFfnWidth + ".." + maxFfnWidth + ", heads "
                    + maxHeads + ", deep-FFN layers " + maxFfnDepth + ", experts " + maxExperts);
        }
    }

    /** A random architecture: d_model, depth, a sublayer of a random kind per position, context, norms. */
    public Architecture architecture(RandomGenerator r) {
        int d = dModels.get(r.nextInt(dModels.size()));
        int depth = 1 + r.nextInt(maxDepth);
        List<Sublayer> s = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            s.add(sublayer(r, d, Sublayer.Kind.values()[r.nextInt(Sublayer.Kind.values().length)]));
        }
        return new Architecture(s, d, minContext + r.nextInt(maxContext - minContext + 1),
                r.nextBoolean() ? NormPlacement.PRE : NormPlacement.POST, r.nextBoolean() ? NormKind.LAYER : NormKind.RMS);
    }

    /** A random sublayer of {@code kind} for d_model {@code d}; residual three times in four. */
    public Sublayer sublayer(RandomGenerator r, int d, Sublayer.Kind kind) {
        int heads;
        do {
            heads = 1 + r.nextInt(maxHeads);
        } while (d % heads != 0);
        int width = minFfnWidth + r.nextInt(maxFfnWidth - minFfnWidth + 1);
        Activation activation = Activation.values()[r.nextInt(Activation.values().length)];
        boolean residual = r.nextInt(4) != 0;
        return switch (kind) {
            case ATTENTION -> new Sublayer.Attention(heads, residual);
            case FFN -> new Sublayer.FeedForward(width, activation, residual);
            case DEEP_FFN -> new Sublayer.DeepFeedForward(width, 2 + r.nextInt(maxFfnDepth - 1), activation, residual);
            case PARALLEL -> new Sublayer.Parallel(heads, width, activation, residual);
            case MOE -> {
                int experts = 2 + r.nextInt(maxExperts - 1);
                yield new Sublayer.MixtureOfExperts(experts, 1 + r.nextInt(experts), width, activation, residual);
            }
        };
    }

    /**
     * An architecture a search over attention and plain FFNs might propose in {@code space}: half the time a
     * regular layout {@code (A F^m)^k} of one head count and one width, as mutations of the standard templates
     * produce; otherwise any stack of attention (two in five) and FFN sublayers, one in ten without a
     * residual. Heads and widths come from the space; d_model, context, activation, norm placement and norm
     * kind are the space's first.
     */
    public static Architecture searched(RandomGenerator r, SearchSpace space) {
        int d = space.dModels().getFirst();
        Activation activation = space.activations().getFirst();
        List<Sublayer> s = new ArrayList<>();
        if (r.nextBoolean()) {
            int m = 1 + r.nextInt(3);
            int k = Math.max(1, (2 + r.nextInt(11)) / (m + 1));
            int width = space.ffnWidths().get(r.nextInt(space.ffnWidths().size()));
            int heads = space.heads().get(r.nextInt(space.heads().size()));
            for (int i = 0; i < k; i++) {
                s.add(new Sublayer.Attention(heads, true));
                for (int j = 0; j < m; j++) {
                    s.add(new Sublayer.FeedForward(width, activation, true));
                }
            }
        } else {
            int depth = space.minDepth() + r.nextInt(space.maxDepth() - space.minDepth() + 1);
            for (int i = 0; i < depth; i++) {
                boolean residual = r.nextInt(10) != 0;
                s.add(r.nextInt(5) < 2
                        ? new Sublayer.Attention(space.heads().get(r.nextInt(space.heads().size())), residual)
                        : new Sublayer.FeedForward(space.ffnWidths().get(r.nextInt(space.ffnWidths().size())),
                                activation, residual));
            }
        }
        return new Architecture(s, d, space.context(), space.norms().getFirst(), space.normKinds().getFirst());
    }

    /** A random valid search space: any depth range, subsets of every choice, in random orders. */
    public static SearchSpace space(RandomGenerator r) {
        int min = 1 + r.nextInt(4);
        int max = min + r.nextInt(10);
        List<Sublayer.Kind> kinds = switch (r.nextInt(4)) {
            case 0 -> List.of(Sublayer.Kind.values()[r.nextInt(Sublayer.Kind.values().length)]);
            case 1 -> List.of(Sublayer.Kind.FFN, Sublayer.Kind.ATTENTION);
            default -> shuffled(r, List.of(Sublayer.Kind.values())).subList(0, 2 + r.nextInt(4));
        };
        List<Integer> widths = r.nextBoolean() ? List.of(64, 128, 256) : List.of(512);
        List<Boolean> residual = switch (r.nextInt(3)) {
            case 0 -> List.of(true);
            case 1 -> List.of(false, true);
            default -> List.of(true, false);
        };
        List<Activation> acts = switch (r.nextInt(3)) {
            case 0 -> List.of(Activation.GELU);
            case 1 -> List.of(Activation.RELU, Activation.GELU);
            default -> shuffled(r, List.of(Activation.values())).subList(0, 1 + r.nextInt(5));
        };
        List<Integer> dModels = r.nextBoolean() ? List.of(32) : List.of(64, 128);
        List<NormPlacement> norms = r.nextBoolean() ? List.of(NormPlacement.PRE) : List.of(NormPlacement.POST, NormPlacement.PRE);
        List<Integer> deep = r.nextBoolean() ? List.of(2) : List.of(3, 2, 4);
        List<Integer> experts = r.nextBoolean() ? List.of(4) : List.of(8, 2);
        List<Integer> topK = r.nextBoolean() ? List.of(1) : List.of(2, 1);
        List<NormKind> normKinds = switch (r.nextInt(3)) {
            case 0 -> List.of(NormKind.LAYER);
            case 1 -> List.of(NormKind.RMS);
            default -> List.of(NormKind.RMS, NormKind.LAYER);
        };
        return new SearchSpace(min, max, kinds, widths, List.of(1, 2, 4), residual, acts, dModels, 16 + r.nextInt(64),
                norms, deep, experts, topK, normKinds);
    }

    /** A random genotype of {@code codec}, every gene drawn from a generator seeded with {@code seed}. */
    public static Genotype<IntegerGene> genotype(Codec<Architecture, IntegerGene> codec, long seed) {
        RandomGenerator g = new Random(seed);
        return RandomRegistry.with(g, ignored -> codec.encoding().newInstance());
    }

    private static <T> List<T> shuffled(RandomGenerator r, List<T> values) {
        List<T> out = new ArrayList<>(values);
        Collections.shuffle(out, r);
        return out;
    }
}
