package dev.sublayer.search.strategy;

import dev.sublayer.search.Candidate;
import dev.sublayer.search.ConstraintRepair;
import dev.sublayer.search.Member;
import dev.sublayer.search.TrialRunner;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.moea.Fitness;
import dev.sublayer.space.Architecture;
import dev.sublayer.trial.Origin;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.Mutator;
import io.jenetics.Optimize;
import io.jenetics.Phenotype;
import io.jenetics.TournamentSelector;
import io.jenetics.UniformCrossover;
import io.jenetics.engine.Constraint;
import io.jenetics.engine.Engine;
import io.jenetics.engine.EvolutionResult;
import io.jenetics.engine.EvolutionStart;
import io.jenetics.engine.Evaluator;
import io.jenetics.ext.moea.NSGA2Selector;
import io.jenetics.util.ISeq;
import io.jenetics.util.RandomRegistry;
import io.jenetics.util.Seq;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * NSGA-II-style multi-objective evolution on the Jenetics engine.
 *
 * <p>Each generation is one {@link Engine#evolve} step: survivors are chosen from the current population by
 * {@link NSGA2Selector} (non-dominated sorting with crowding over the rung-stratified {@link Fitness}), parents
 * by tournaments, offspring are made by uniform crossover and per-gene mutation, genotypes outside the hard
 * constraints are repaired by the engine's {@link Constraint} hook, and the engine's {@link Evaluator} hook sends
 * the offspring to the trial runner. An offspring whose architecture is already in the population is replaced
 * before evaluation, so the population stays distinct.
 *
 * <p>The engine runs on the calling thread ({@code executor(Runnable::run)}) inside
 * {@link RandomRegistry#with}, so every random draw comes from the generation's generator; phenotype ageing is
 * switched off, so a population restored from the store evolves exactly like the one in memory.
 */
public final class Nsga2Strategy implements Strategy {

    /** The config name. */
    public static final String NAME = "nsga2";

    private final StrategyContext context;
    private final StudyConfig.Search settings;
    private final Proposals proposals;

    /** NSGA-II with the settings of {@code context}. */
    public Nsga2Strategy(StrategyContext context) {
        this.context = context;
        this.settings = context.settings();
        this.proposals = new Proposals(context);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The population, then its offspring share per generation. */
    @Override
    public int plannedCandidates(int generation) {
        return generation == 0 ? settings.population() : settings.nsga2().offspring(settings.population());
    }

    @Override
    public List<Member> initialise(Generation generation) throws TrialRunner.Stopped {
        List<Candidate> candidates = proposals.initial(settings.population(), generation.random());
        return Proposals.members(candidates, generation.evaluate(candidates));
    }

    @Override
    public List<Member> next(List<Member> population, Generation generation) throws TrialRunner.Stopped {
        Engine<IntegerGene, Fitness> engine = engine(generation);
        ISeq<Phenotype<IntegerGene, Fitness>> start = population.stream()
                .map(m -> Phenotype.of(m.genotype(), generation.number(), m.fitness()))
                .collect(ISeq.toISeq());
        EvolutionResult<IntegerGene, Fitness> result;
        try {
            result = RandomRegistry.with(generation.random(),
                    r -> engine.evolve(EvolutionStart.of(start, generation.number())));
        } catch (StoppedInside e) {
            throw e.stopped;
        }
        List<Member> next = new ArrayList<>(result.population().size());
        for (Phenotype<IntegerGene, Fitness> p : result.population()) {
            next.add(new Member(p.genotype(), context.codec().decode(p.genotype()), p.fitness()));
        }
        return next;
    }

    private Engine<IntegerGene, Fitness> engine(Generation generation) {
        StudyConfig.Nsga2 n = settings.nsga2();
        ConstraintRepair repair = proposals.repair();
        Constraint<IntegerGene, Fitness> constraint = new Constraint<>() {
            @Override
            public boolean test(Phenotype<IntegerGene, Fitness> individual) {
                return repair.test(individual.genotype());
            }

            @Override
            public Phenotype<IntegerGene, Fitness> repair(Phenotype<IntegerGene, Fitness> individual, long gen) {
                return Phenotype.of(repair.repair(individual.genotype(), RandomRegistry.random()), gen);
            }
        };
        return new Engine.Builder<>(evaluator(generation), context.codec().encoding())
                .optimize(Optimize.MAXIMUM)
                .populationSize(settings.population())
                .offspringSize(n.offspring(settings.population()))
                .survivorsSelector(NSGA2Selector.ofVec())
                .offspringSelector(new TournamentSelector<>(n.tournamentSize()))
                .alterers(new UniformCrossover<>(n.crossoverRate()), new Mutator<>(n.mutationRate()))
                .constraint(constraint)
                .maximalPhenotypeAge(Integer.MAX_VALUE)
                .executor(Runnable::run)
                .build();
    }

    /** The engine's evaluation hook: new phenotypes go to the trial runner; evaluated ones keep their fitness. */
    private Evaluator<IntegerGene, Fitness> evaluator(Generation generation) {
        return (Seq<Phenotype<IntegerGene, Fitness>> population) -> {
            List<Phenotype<IntegerGene, Fitness>> pop = new ArrayList<>(population.asList());
            // Copies add no information and cost diversity. Jenetics keeps an offspring that no alterer touched
            // with its parent's fitness, so copies arise even among evaluated phenotypes: every architecture after
            // its first occurrence is replaced by a mutant that is new to the population.
            Set<String> seen = new HashSet<>();
            List<Integer> fresh = new ArrayList<>();
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < pop.size(); i++) {
                Phenotype<IntegerGene, Fitness> p = pop.get(i);
                Genotype<IntegerGene> g = p.genotype();
                Architecture a = context.codec().decode(g);
                boolean copy = seen.contains(a.canonical());
                if (p.isEvaluated() && !copy) {
                    seen.add(a.canonical());
                    continue;
                }
                Candidate c = copy ? proposals.mutate(g, n().mutationRate(), seen, generation.random(), name())
                        : new Candidate(g, a, Origin.proposal(name()));
                seen.add(c.architecture().canonical());
                fresh.add(i);
                candidates.add(c);
            }
            List<Fitness> fitness;
            try {
                fitness = generation.evaluate(candidates);
            } catch (TrialRunner.Stopped s) {
                throw new StoppedInside(s);
            }
            for (int j = 0; j < fresh.size(); j++) {
                Candidate c = candidates.get(j);
                pop.set(fresh.get(j), Phenotype.of(c.genotype(), pop.get(fresh.get(j)).generation(), fitness.get(j)));
            }
            return ISeq.of(pop);
        };
    }

    private StudyConfig.Nsga2 n() {
        return settings.nsga2();
    }

    /** Carries a stop through the Jenetics engine, whose hooks cannot throw checked exceptions. */
    private static final class StoppedInside extends RuntimeException {
        final TrialRunner.Stopped stopped;

        StoppedInside(TrialRunner.Stopped stopped) {
            super(stopped.reason(), null, false, false);
            this.stopped = stopped;
        }
    }
}
