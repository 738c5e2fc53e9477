package dev.sublayer.search.strategy;

import dev.sublayer.search.Candidate;
import dev.sublayer.search.Member;
import dev.sublayer.search.TrialRunner;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.moea.Fitness;
import dev.sublayer.search.moea.Ranking;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Regularized (aging) evolution (Real et al. 2019), batched and multi-objective. Each generation makes
 * {@code children} children: for each, {@code sample_size} distinct members are drawn at random, the best of
 * them (non-dominated rank, then crowding distance, within the whole population) is the parent, and the child is
 * a mutant of it that differs in architecture. The children join the population and as many of the oldest
 * members leave it, whatever their fitness: age, not quality, decides who dies.
 */
public final class AgingEvolution implements Strategy {

    /** The config name. */
    public static final String NAME = "regularized_evolution";

    private final StudyConfig.Search settings;
    private final Proposals proposals;

    /** Regularized evolution with the settings of {@code context}. */
    public AgingEvolution(StrategyContext context) {
        this.settings = context.settings();
        this.proposals = new Proposals(context);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The population, then {@code children} per generation. */
    @Override
    public int plannedCandidates(int generation) {
        return generation == 0 ? settings.population() : settings.aging().children();
    }

    @Override
    public List<Member> initialise(Generation generation) throws TrialRunner.Stopped {
        List<Candidate> candidates = proposals.initial(settings.population(), generation.random());
        return Proposals.members(candidates, generation.evaluate(candidates));
    }

    @Override
    public List<Member> next(List<Member> population, Generation generation) throws TrialRunner.Stopped {
        StudyConfig.Aging a = settings.aging();
        Ranking ranking = Ranking.of(population.stream().map(Member::fitness).toList());
        Set<String> avoid = Proposals.architectures(population);
        List<Candidate> children = new ArrayList<>(a.children());
        int sample = Math.min(a.sampleSize(), population.size());
        for (int c = 0; c < a.children(); c++) {
            int parent = bestOfSample(ranking, population.size(), sample, generation);
            Candidate child = proposals.mutate(population.get(parent).genotype(), a.mutationRate(), avoid,
                    generation.random(), name());
            avoid.add(child.architecture().canonical());
            children.add(child);
        }
        List<Fitness> fitness = generation.evaluate(children);
        List<Member> next = new ArrayList<>(population);
        next.addAll(Proposals.members(children, fitness));
        return new ArrayList<>(next.subList(next.size() - population.size(), next.size()));
    }

    /** The best of {@code sample} distinct random members (partial Fisher-Yates draw). */
    private static int bestOfSample(Ranking ranking, int size, int sample, Generation generation) {
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        int best = -1;
        for (int i = 0; i < sample; i++) {
            int j = i + generation.random().nextInt(size - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            if (best < 0 || ranking.better(idx[i], best)) {
                best = idx[i];
            }
        }
        return best;
    }
}
