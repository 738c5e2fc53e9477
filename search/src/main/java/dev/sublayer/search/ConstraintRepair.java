package dev.sublayer.search;

import static dev.sublayer.space.ArchitectureCodec.DEPTH;
import static dev.sublayer.space.ArchitectureCodec.WIDTH;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.SearchSpace;
import io.jenetics.Chromosome;
import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.engine.InvertibleCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Brings genotypes inside the study's hard constraints before anything is trained. First a repair that keeps
 * the candidate close to what was proposed (narrower FFNs, then fewer sublayers); if that is not enough,
 * uniform resampling of the space. Both are deterministic given the random generator.
 *
 * <p>The repair relies on the codec's documented layout ({@link dev.sublayer.space.ArchitectureCodec}):
 * chromosome 0 is the depth and chromosome 4 the FFN width index per slot.
 */
public final class ConstraintRepair {

    /** How many random genotypes are tried before giving up. */
    public static final int MAX_RESAMPLES = 2000;

    private final InvertibleCodec<Architecture, IntegerGene> codec;
    private final SearchSpace space;
    private final Function<Architecture, List<String>> violations;

    /**
     * The repair for genotypes of {@code codec} over {@code space}.
     *
     * @param violations the constraint violations of an architecture, one line each; empty when it is within them
     */
    public ConstraintRepair(InvertibleCodec<Architecture, IntegerGene> codec, SearchSpace space,
                            Function<Architecture, List<String>> violations) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.space = Objects.requireNonNull(space, "space");
        this.violations = Objects.requireNonNull(violations, "violations");
    }

    /** Whether {@code genotype} decodes to an architecture within the constraints. */
    public boolean test(Genotype<IntegerGene> genotype) {
        return admits(codec.decode(genotype));
    }

    /** Whether {@code architecture} is within the constraints. */
    public boolean admits(Architecture architecture) {
        return violations.apply(architecture).isEmpty();
    }

    /** The constraint violations of {@code architecture}, one line each; empty when it is within the constraints. */
    public List<String> violations(Architecture architecture) {
        return violations.apply(architecture);
    }

    /**
     * {@code genotype} if it is within the constraints, else a repaired or resampled one that is.
     *
     * @throws IllegalStateException if no genotype within the constraints turns up (they exclude almost the whole space)
     */
    public Genotype<IntegerGene> repair(Genotype<IntegerGene> genotype, RandomGenerator random) {
        if (test(genotype)) {
            return genotype;
        }
        Genotype<IntegerGene> g = genotype;
        int maxSteps = 4 * space.maxDepth() * Math.max(1, space.ffnWidths().size());
        for (int step = 0; step < maxSteps && !test(g); step++) {
            Genotype<IntegerGene> smaller = shrink(g);
            if (smaller == null) {
                break;
            }
            g = smaller;
        }
        if (test(g)) {
            return g;
        }
        return sample(random);
    }

    /**
     * A uniformly random genotype within the constraints.
     *
     * @throws IllegalStateException after {@value #MAX_RESAMPLES} rejected draws
     */
    public Genotype<IntegerGene> sample(RandomGenerator random) {
        Genotype<IntegerGene> prototype = codec.encoding().newInstance();
        for (int i = 0; i < MAX_RESAMPLES; i++) {
            Genotype<IntegerGene> g = randomGenotype(prototype, random);
            if (test(g)) {
                return g;
            }
        }
        Architecture a = codec.decode(prototype);
        throw new IllegalStateException("the constraints rejected " + MAX_RESAMPLES + " random architectures in a row ("
                + "e.g. " + a.notation() + ": " + String.join("; ", violations(a))
                + "); loosen /constraints or shrink /search_space");
    }

    /** A genotype with every gene drawn uniformly from {@code random}. */
    public static Genotype<IntegerGene> randomGenotype(Genotype<IntegerGene> prototype, RandomGenerator random) {
        List<IntegerChromosome> chromosomes = new ArrayList<>(prototype.length());
        for (Chromosome<IntegerGene> c : prototype) {
            List<IntegerGene> genes = new ArrayList<>(c.length());
            for (IntegerGene gene : c) {
                genes.add(gene.newInstance(random.nextInt(gene.min(), gene.max())));
            }
            chromosomes.add(IntegerChromosome.of(genes));
        }
        return Genotype.of(chromosomes);
    }

    /**
     * One step smaller: the widest active width gene (F, D, P, M sublayers) one width narrower, else one sublayer
     * fewer; null if minimal.
     */
    private Genotype<IntegerGene> shrink(Genotype<IntegerGene> g) {
        int depth = g.get(DEPTH).get(0).intValue();
        Architecture a = codec.decode(g);
        int widest = -1;
        int widestIndex = 0;
        for (int i = 0; i < depth; i++) {
            if (dev.sublayer.space.ArchitectureCodec.slotChromosomes(a.sublayers().get(i)).contains(WIDTH)) {
                int w = g.get(WIDTH).get(i).intValue();
                int width = space.ffnWidths().get(w);
                int smallest = space.ffnWidths().stream().mapToInt(Integer::intValue).min().orElseThrow();
                if (width > smallest && (widest < 0 || width > space.ffnWidths().get(widestIndex))) {
                    widest = i;
                    widestIndex = w;
                }
            }
        }
        if (widest >= 0) {
            List<Integer> widths = space.ffnWidths();
            int current = widths.get(widestIndex);
            int next = -1;
            for (int j = 0; j < widths.size(); j++) {
                if (widths.get(j) < current && (next < 0 || widths.get(j) > widths.get(next))) {
                    next = j;
                }
            }
            return with(g, WIDTH, widest, next);
        }
        int minDepth = space.minDepth();
        if (depth > minDepth) {
            return with(g, DEPTH, 0, depth - 1);
        }
        return null;
    }

    private static Genotype<IntegerGene> with(Genotype<IntegerGene> g, int chromosome, int index, int value) {
        List<IntegerChromosome> chromosomes = new ArrayList<>(g.length());
        for (int c = 0; c < g.length(); c++) {
            Chromosome<IntegerGene> ch = g.get(c);
            if (c != chromosome) {
                chromosomes.add((IntegerChromosome) ch);
                continue;
            }
            List<IntegerGene> genes = new ArrayList<>(ch.length());
            for (int i = 0; i < ch.length(); i++) {
                genes.add(i == index ? ch.get(i).newInstance(value) : ch.get(i));
            }
            chromosomes.add(IntegerChromosome.of(genes));
        }
        return Genotype.of(chromosomes);
    }
}
