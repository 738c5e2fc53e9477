package dev.sublayer.search.strategy;

import dev.sublayer.search.Candidate;
import dev.sublayer.search.Member;
import dev.sublayer.search.TrialRunner;
import dev.sublayer.search.config.StudyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code fixed} strategy: no search, a comparison. Generation 0 trains every configured layout (through
 * every rung, replicate 0), stored with the origin {@code layout:<label>} so the report names each layout; then
 * the strategy is {@link #finished}, and its final re-evaluation trains replicates 1..{@code seeds - 1} of every
 * layout at the top rung under the same origin, whatever the config's {@code reevaluation} says: the front's
 * mean and standard deviation come from those seeds.
 */
public final class FixedLayouts implements Strategy {

    /** The config name. */
    public static final String NAME = "fixed";

    private final StrategyContext context;
    private final List<StudyConfig.Layout> layouts;

    /** The fixed strategy for the layouts and seeds of {@code context}. */
    public FixedLayouts(StrategyContext context) {
        this.context = context;
        this.layouts = context.settings().layouts();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Every layout in generation 0, nothing after. */
    @Override
    public int plannedCandidates(int generation) {
        return generation == 0 ? layouts.size() : 0;
    }

    @Override
    public List<Member> initialise(Generation generation) throws TrialRunner.Stopped {
        List<Candidate> candidates = candidates();
        return Proposals.members(candidates, generation.evaluate(candidates));
    }

    @Override
    public List<Member> next(List<Member> population, Generation generation) {
        return population;
    }

    /** Finished once generation 0 has trained every layout. */
    @Override
    public Optional<String> finished(int generation) {
        return generation >= 1 ? Optional.of("all " + layouts.size() + " fixed layouts trained") : Optional.empty();
    }

    /** Every layout with {@code seeds - 1} more seeds, named like the layout. */
    @Override
    public FinalReevaluation finalReevaluation(StudyConfig.Reevaluation configured) {
        return new FinalReevaluation.OfCandidates(candidates(), context.settings().seeds() - 1);
    }

    private List<Candidate> candidates() {
        List<Candidate> candidates = new ArrayList<>();
        for (StudyConfig.Layout l : layouts) {
            candidates.add(new Candidate(context.codec().encode(l.architecture()), l.architecture(), l.origin()));
        }
        return candidates;
    }
}
