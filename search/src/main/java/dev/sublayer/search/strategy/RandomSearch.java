package dev.sublayer.search.strategy;

import dev.sublayer.search.Candidate;
import dev.sublayer.search.Member;
import dev.sublayer.search.TrialRunner;
import dev.sublayer.search.config.StudyConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Random search: every generation evaluates {@code population} architectures drawn uniformly from the space
 * (within the constraints). The baseline every other strategy must beat at equal compute. Its "population" is
 * just the latest batch; the study's front is computed from every trial. Templates, if configured, are seeded
 * into the first batch.
 */
public final class RandomSearch implements Strategy {

    /** The config name. */
    public static final String NAME = "random";

    private final StudyConfig.Search settings;
    private final Proposals proposals;

    /** Random search with the settings of {@code context}. */
    public RandomSearch(StrategyContext context) {
        this.settings = context.settings();
        this.proposals = new Proposals(context);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@code population} in every generation. */
    @Override
    public int plannedCandidates(int generation) {
        return settings.population();
    }

    @Override
    public List<Member> initialise(Generation generation) throws TrialRunner.Stopped {
        List<Candidate> candidates = proposals.initial(settings.population(), generation.random());
        return Proposals.members(candidates, generation.evaluate(candidates));
    }

    @Override
    public List<Member> next(List<Member> population, Generation generation) throws TrialRunner.Stopped {
        List<Candidate> candidates = new ArrayList<>(proposals.random(settings.population(), generation.random()));
        return Proposals.members(candidates, generation.evaluate(candidates));
    }
}
