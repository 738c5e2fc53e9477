package dev.sublayer.space;

import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.util.RandomRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/** Seeded generators of random spaces and architectures for property-style tests. */
final class RandomArchitectures {

    private RandomArchitectures() {
    }

    /** A random architecture with any mix of every sublayer kind, dims that satisfy the heads constraint. */
    static Architecture architecture(Random r) {
        int[] dModels = {16, 24, 32, 64, 96, 128};
        int d = dModels[r.nextInt(dModels.length)];
        int depth = 1 + r.nextInt(12);
        List<Sublayer> s = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            s.add(sublayer(r, d));
        }
        return new Architecture(s, d, 1 + r.nextInt(1024), NormPlacement.values()[r.nextInt(2)],
                NormKind.values()[r.nextInt(2)]);
    }

    /** A random sublayer of any kind for d_model {@code d}. */
    static Sublayer sublayer(Random r, int d) {
        boolean residual = r.nextInt(4) != 0;
        int[] headChoices = {1, 2, 4, 8};
        int h = headChoices[r.nextInt(headChoices.length)];
        int heads = d % h == 0 ? h : 1;
        int width = 1 + r.nextInt(2048);
        Activation a = Activation.values()[r.nextInt(Activation.values().length)];
        return switch (Sublayer.Kind.values()[r.nextInt(Sublayer.Kind.values().length)]) {
            case ATTENTION -> new Sublayer.Attention(heads, residual);
            case FFN -> new Sublayer.FeedForward(width, a, residual);
            case DEEP_FFN -> new Sublayer.DeepFeedForward(width, 2 + r.nextInt(4), a, residual);
            case PARALLEL -> new Sublayer.Parallel(heads, width, a, residual);
            case MOE -> {
                int experts = 2 + r.nextInt(15);
                yield new Sublayer.MixtureOfExperts(experts, 1 + r.nextInt(experts), width, a, residual);
            }
        };
    }

    /** A random valid search space. */
    static SearchSpace space(Random r) {
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

    private static <T> List<T> shuffled(Random r, List<T> values) {
        List<T> out = new ArrayList<>(values);
        java.util.Collections.shuffle(out, r);
        return out;
    }

    /** A random genotype of the codec, drawn from the seeded generator. */
    static Genotype<IntegerGene> genotype(io.jenetics.engine.Codec<Architecture, IntegerGene> codec, long seed) {
        RandomGenerator g = new Random(seed);
        return RandomRegistry.with(g, ignored -> codec.encoding().newInstance());
    }
}
