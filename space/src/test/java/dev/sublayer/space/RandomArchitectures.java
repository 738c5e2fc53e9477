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

    /** A random architecture with any sublayer mix, dims that satisfy the heads constraint. */
    static Architecture architecture(Random r) {
        int[] dModels = {16, 24, 32, 64, 96, 128};
        int d = dModels[r.nextInt(dModels.length)];
        int depth = 1 + r.nextInt(12);
        List<Sublayer> s = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            boolean residual = r.nextInt(4) != 0;
            if (r.nextBoolean()) {
                int[] heads = {1, 2, 4, 8};
                int h = heads[r.nextInt(heads.length)];
                s.add(new Sublayer.Attention(d % h == 0 ? h : 1, residual));
            } else {
                Activation a = Activation.values()[r.nextInt(Activation.values().length)];
                s.add(new Sublayer.FeedForward(1 + r.nextInt(2048), a, residual));
            }
        }
        return new Architecture(s, d, 1 + r.nextInt(1024), NormPlacement.values()[r.nextInt(2)]);
    }

    /** A random valid search space. */
    static SearchSpace space(Random r) {
        int min = 1 + r.nextInt(4);
        int max = min + r.nextInt(10);
        List<Sublayer.Kind> kinds = r.nextInt(5) == 0
                ? List.of(Sublayer.Kind.values()[r.nextInt(2)])
                : List.of(Sublayer.Kind.FFN, Sublayer.Kind.ATTENTION);
        List<Integer> widths = r.nextBoolean() ? List.of(64, 128, 256) : List.of(512);
        List<Boolean> residual = switch (r.nextInt(3)) {
            case 0 -> List.of(true);
            case 1 -> List.of(false, true);
            default -> List.of(true, false);
        };
        List<Activation> acts = r.nextBoolean() ? List.of(Activation.GELU) : List.of(Activation.RELU, Activation.GELU);
        List<Integer> dModels = r.nextBoolean() ? List.of(32) : List.of(64, 128);
        List<NormPlacement> norms = r.nextBoolean() ? List.of(NormPlacement.PRE) : List.of(NormPlacement.POST, NormPlacement.PRE);
        return new SearchSpace(min, max, kinds, widths, List.of(1, 2, 4), residual, acts, dModels, 16 + r.nextInt(64), norms);
    }

    /** A random genotype of the codec, drawn from the seeded generator. */
    static Genotype<IntegerGene> genotype(io.jenetics.engine.Codec<Architecture, IntegerGene> codec, long seed) {
        RandomGenerator g = new Random(seed);
        return RandomRegistry.with(g, ignored -> codec.encoding().newInstance());
    }
}
