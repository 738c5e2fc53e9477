package dev.sublayer.search.strategy;

import dev.sublayer.search.Candidate;
import dev.sublayer.search.Member;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.TrialRunner;
import dev.sublayer.search.config.StudyConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fixed} strategy: no search, a comparison. Generation 0 trains every configured layout (through
 * every rung, replicate 0), stored with the strategy {@code layout:<label>} so the report names each layout;
 * {@link dev.sublayer.search.Search} then trains replicates 1..{@code seeds - 1} of each at the top rung and
 * stops. Later generations propose nothing.
 */
public final class FixedLayouts implements Strategy {

    private final StudyContext context;

    /** The fixed strategy for the study of {@code context}. */
    public FixedLayouts(StudyContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public List<Member> initialise(Generation generation) throws TrialRunner.Stopped {
        List<Candidate> candidates = new ArrayList<>();
        for (StudyConfig.Layout l : context.config().search().layouts()) {
            candidates.add(new Candidate(context.codec().encode(l.architecture()), l.architecture(), l.origin()));
        }
        return Proposals.members(candidates, generation.evaluate(candidates));
    }

    @Override
    public List<Member> next(List<Member> population, Generation generation) {
        return population;
    }
}
