package dev.sublayer.search.strategy;

import static dev.sublayer.space.ArchitectureCodec.DEPTH;
import static dev.sublayer.space.ArchitectureCodec.KIND;
import static dev.sublayer.space.ArchitectureCodec.RESIDUAL;

import dev.sublayer.search.Candidate;
import dev.sublayer.search.ConstraintRepair;
import dev.sublayer.search.Member;
import dev.sublayer.search.moea.Fitness;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ArchitectureCodec;
import dev.sublayer.space.Template;
import dev.sublayer.trial.Origin;
import io.jenetics.Chromosome;
import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The proposal machinery strategies share: the seeded first population, random and mutated genotypes within
 * the constraints, and architecture-level de-duplication.
 */
final class Proposals {

    private static final Logger LOG = LogManager.getLogger(Proposals.class);
    private static final int TRIES = 50;

    private final StrategyContext context;
    private final ConstraintRepair repair;

    Proposals(StrategyContext context) {
        this.context = context;
        this.repair = context.constraints();
    }

    ConstraintRepair repair() {
        return repair;
    }

    /**
     * The first population: every configured template at every configured depth (those within the constraints,
     * once per architecture), then random architectures up to {@code size}. With more template builds than
     * {@code size}, templates are taken round-robin so every template is represented.
     */
    List<Candidate> initial(int size, RandomGenerator random) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        List<List<Candidate>> perTemplate = new ArrayList<>();
        for (Template t : context.settings().templates()) {
            List<Candidate> builds = new ArrayList<>();
            for (int depth : context.settings().templateDepths()) {
                Architecture a = t.build(depth, context.space());
                List<String> violations = repair.violations(a);
                if (!violations.isEmpty()) {
                    LOG.info("template {} at depth {} is outside the constraints ({}); not seeded", t.name(), depth,
                            String.join("; ", violations));
                    continue;
                }
                builds.add(new Candidate(context.codec().encode(a), a, Origin.template(t.name())));
            }
            perTemplate.add(builds);
        }
        for (int round = 0; out.size() < size; round++) {
            boolean any = false;
            for (List<Candidate> builds : perTemplate) {
                if (round < builds.size() && out.size() < size) {
                    Candidate c = builds.get(round);
                    out.putIfAbsent(c.architecture().canonical(), c);
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        fillRandom(out, size, random);
        return new ArrayList<>(out.values());
    }

    /** {@code count} distinct random candidates within the constraints. */
    List<Candidate> random(int count, RandomGenerator random) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        fillRandom(out, count, random);
        return new ArrayList<>(out.values());
    }

    private void fillRandom(Map<String, Candidate> out, int size, RandomGenerator random) {
        int misses = 0;
        while (out.size() < size) {
            Candidate c = randomCandidate(random);
            if (out.putIfAbsent(c.architecture().canonical(), c) != null && ++misses > size * TRIES) {
                LOG.warn("the space holds fewer than {} distinct architectures within the constraints; "
                        + "continuing with {}", size, out.size());
                return;
            }
        }
    }

    Candidate randomCandidate(RandomGenerator random) {
        Genotype<IntegerGene> g = repair.sample(random);
        return new Candidate(g, context.codec().decode(g), Origin.proposal("random"));
    }

    /**
     * A child of {@code parent}: {@code rate} per-gene mutation, then, until the architecture differs from the
     * parent's and from every architecture in {@code avoid}, one more point mutation of a gene that matters;
     * finally repaired into the constraints. Falls back to a random candidate if no new architecture turns up.
     */
    Candidate mutate(Genotype<IntegerGene> parent, double rate, Set<String> avoid, RandomGenerator random,
                     String origin) {
        Architecture parentArch = context.codec().decode(parent);
        Genotype<IntegerGene> g = perGene(parent, rate, random);
        for (int i = 0; i < TRIES; i++) {
            g = repair.repair(g, random);
            Architecture a = context.codec().decode(g);
            if (!a.equals(parentArch) && !avoid.contains(a.canonical())) {
                return new Candidate(g, a, Origin.proposal(origin));
            }
            g = pointMutation(g, random);
        }
        for (int i = 0; i < TRIES; i++) {
            Candidate c = randomCandidate(random);
            if (!avoid.contains(c.architecture().canonical())) {
                return c;
            }
        }
        return randomCandidate(random);
    }

    /** Each gene redrawn with probability {@code rate}. */
    static Genotype<IntegerGene> perGene(Genotype<IntegerGene> g, double rate, RandomGenerator random) {
        List<IntegerChromosome> chromosomes = new ArrayList<>(g.length());
        for (Chromosome<IntegerGene> c : g) {
            List<IntegerGene> genes = new ArrayList<>(c.length());
            for (IntegerGene gene : c) {
                genes.add(random.nextDouble() < rate ? gene.newInstance(random.nextInt(gene.min(), gene.max())) : gene);
            }
            chromosomes.add(IntegerChromosome.of(genes));
        }
        return Genotype.of(chromosomes);
    }

    /**
     * Changes one gene that affects the decoded architecture: the depth, or for an active slot its kind, its
     * residual flag, and the genes its kind reads ({@link ArchitectureCodec#slotChromosomes}) — when that gene
     * has alternatives.
     */
    Genotype<IntegerGene> pointMutation(Genotype<IntegerGene> g, RandomGenerator random) {
        Architecture a = context.codec().decode(g);
        int depth = a.depth();
        List<int[]> options = new ArrayList<>();
        if (g.get(DEPTH).get(0).max() - g.get(DEPTH).get(0).min() > 1) {
            options.add(new int[] {DEPTH, 0});
        }
        for (int i = 0; i < depth; i++) {
            addIfVariable(options, g, KIND, i);
            addIfVariable(options, g, RESIDUAL, i);
            for (int chromosome : ArchitectureCodec.slotChromosomes(a.sublayers().get(i))) {
                addIfVariable(options, g, chromosome, i);
            }
        }
        if (options.isEmpty()) {
            return g;
        }
        int[] pick = options.get(random.nextInt(options.size()));
        IntegerGene gene = g.get(pick[0]).get(pick[1]);
        int span = gene.max() - gene.min();
        int value = gene.min() + Math.floorMod(gene.intValue() - gene.min() + 1 + random.nextInt(span - 1), span);
        List<IntegerChromosome> chromosomes = new ArrayList<>(g.length());
        for (int c = 0; c < g.length(); c++) {
            Chromosome<IntegerGene> ch = g.get(c);
            if (c != pick[0]) {
                chromosomes.add((IntegerChromosome) ch);
                continue;
            }
            List<IntegerGene> genes = new ArrayList<>(ch.length());
            for (int i = 0; i < ch.length(); i++) {
                genes.add(i == pick[1] ? ch.get(i).newInstance(value) : ch.get(i));
            }
            chromosomes.add(IntegerChromosome.of(genes));
        }
        return Genotype.of(chromosomes);
    }

    private static void addIfVariable(List<int[]> options, Genotype<IntegerGene> g, int chromosome, int index) {
        IntegerGene gene = g.get(chromosome).get(index);
        if (gene.max() - gene.min() > 1) {
            options.add(new int[] {chromosome, index});
        }
    }

    /** Members from evaluated candidates. */
    static List<Member> members(List<Candidate> candidates, List<Fitness> fitness) {
        List<Member> out = new ArrayList<>(candidates.size());
        for (int i = 0; i < candidates.size(); i++) {
            out.add(new Member(candidates.get(i).genotype(), candidates.get(i).architecture(), fitness.get(i)));
        }
        return out;
    }

    /** The canonical architectures of {@code members}. */
    static Set<String> architectures(List<Member> members) {
        Set<String> out = new HashSet<>();
        members.forEach(m -> out.add(m.architecture().canonical()));
        return out;
    }
}
