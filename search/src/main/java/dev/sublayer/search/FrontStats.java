package dev.sublayer.search;

import dev.sublayer.trial.TrialResult;
import java.util.ArrayList;
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
public record FrontStats(int seeds, Map<String, Stats> members) {

    public FrontStats {
        members = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** No re-evaluation. */
    public static FrontStats none() {
        return new FrontStats(0, Map.of());
    }

    /**
     * One member's statistics.
     *
     * @param n    completed runs the statistics are over (the search's own run included)
     * @param mean per objective
     * @param std  per objective, sample standard deviation (NaN when n < 2)
     */
    public record Stats(int n, double[] mean, double[] std) {
    }

    /** Statistics of {@code a} over {@code runs} (objective vectors), each of the same length. */
    static Stats of(List<double[]> runs) {
        int n = runs.size();
        int d = runs.getFirst().length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int i = 0; i < d; i++) {
            double sum = 0;
            for (double[] r : runs) {
                sum += r[i];
            }
            mean[i] = sum / n;
            if (n < 2) {
                std[i] = Double.NaN;
            } else {
                double ss = 0;
                for (double[] r : runs) {
                    ss += (r[i] - mean[i]) * (r[i] - mean[i]);
                }
                std[i] = Math.sqrt(ss / (n - 1));
            }
        }
        return new Stats(n, mean, std);
    }

    /** Builds statistics for the front from the search's results and the replicate results. */
    static FrontStats build(StudyContext context, StudyResults.Front front, Map<String, List<TrialResult>> replicates,
                            int seeds) {
        Map<String, Stats> out = new LinkedHashMap<>();
        for (StudyResults.FrontEntry e : front.entries()) {
            List<TrialResult> reps = replicates.get(e.architecture().canonical());
            if (reps == null) {
                continue;
            }
            List<double[]> runs = new ArrayList<>();
            runs.add(e.fitness().values());
            for (TrialResult r : reps) {
                double[] v = context.objectiveValues(e.architecture(), r);
                if (v != null) {
                    runs.add(v);
                }
            }
            out.put(e.architecture().canonical(), of(runs));
        }
        return new FrontStats(seeds, out);
    }
}
