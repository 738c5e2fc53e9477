package dev.sublayer.search;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.SeedStatistics;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.TrialResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The re-evaluation of the final front: for each re-evaluated member (by canonical architecture), the mean
 * and sample standard deviation of every objective over the search's trial and the extra seeds that completed.
 *
 * @param seeds    extra seeds per member that were asked for
 * @param members  statistics by canonical architecture, front order
 */
public record FrontStats(int seeds, Map<String, SeedStatistics> members) {

    public FrontStats {
        members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** No re-evaluation. */
    public static FrontStats none() {
        return new FrontStats(0, Map.of());
    }

    /**
     * Builds statistics for the front's members from their single-seed values (the search's own run, first) and the
     * replicate results by canonical architecture; members without replicates get none.
     */
    static FrontStats build(StudyContext context, StudyFront front, Map<String, List<TrialResult>> replicates,
                            int seeds) {
        Map<String, SeedStatistics> out = new LinkedHashMap<>();
        for (StudyFront.Member m : front.members()) {
            List<TrialResult> reps = replicates.get(m.architecture());
            if (reps == null) {
                continue;
            }
            Architecture a = Notation.parse(m.architecture());
            List<double[]> runs = new ArrayList<>();
            runs.add(m.values());
            for (TrialResult r : reps) {
                double[] v = context.objectiveValues(a, r);
                if (v != null) {
                    runs.add(v);
                }
            }
            out.put(m.architecture(), SeedStatistics.of(runs));
        }
        return new FrontStats(seeds, out);
    }
}
