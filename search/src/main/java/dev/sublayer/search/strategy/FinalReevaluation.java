package dev.sublayer.search.strategy;

import dev.sublayer.search.Candidate;
import dev.sublayer.search.config.StudyConfig;
import java.util.List;

/**
 * What a session trains after its last generation so that the front carries a mean and standard deviation over
 * seeds. Each re-evaluation trial trains an architecture from scratch with a replicate seed (1, 2, ...), beside
 * the search's own trial (replicate 0); a trial already in the store is not trained again.
 */
public sealed interface FinalReevaluation {

    /** Extra seeds per re-evaluated architecture; 0 trains nothing. */
    int seeds();

    /**
     * The configured re-evaluation: the best {@code maxCandidates} members of the final front (first objective
     * first), each with {@code seeds} extra seeds at the front's rung, stored with the origin {@code reeval}.
     * Nothing when the front is empty.
     *
     * @param seeds         extra seeds per member, >= 0
     * @param maxCandidates at most this many front members, >= 0
     */
    record OfFront(int seeds, int maxCandidates) implements FinalReevaluation {
        public OfFront {
            if (seeds < 0 || maxCandidates < 0) {
                throw new IllegalArgumentException("seeds and max candidates must be >= 0, got " + seeds + " and "
                        + maxCandidates);
            }
        }
    }

    /**
     * Every one of {@code candidates}, each with {@code seeds} extra seeds at the top rung, stored under the
     * candidate's origin (so the report names them); the front's statistics come from these trials.
     *
     * @param candidates the candidates, in training order
     * @param seeds      extra seeds per candidate, >= 0
     */
    record OfCandidates(List<Candidate> candidates, int seeds) implements FinalReevaluation {
        public OfCandidates {
            candidates = List.copyOf(candidates);
            if (seeds < 0) {
                throw new IllegalArgumentException("seeds must be >= 0, got " + seeds);
            }
        }
    }

    /** The re-evaluation the config's {@code reevaluation} section asks for. */
    static OfFront ofFront(StudyConfig.Reevaluation configured) {
        return new OfFront(configured.seeds(), configured.maxCandidates());
    }
}
