package dev.sublayer.search.moea;

import io.jenetics.ext.moea.Pareto;
import io.jenetics.util.ISeq;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Non-dominated sorting with crowding distance, the NSGA-II order, over {@link Fitness} values with
 * their rung-stratified dominance: Jenetics' {@link Pareto#rank} for the fronts and
 * {@link Pareto#crowdingDistance} computed within each front (as in Deb et al. 2002).
 *
 * <p>Used wherever the search must order candidates outside the Jenetics engine: promotion between
 * rungs, the parent choice of regularized evolution and the study's front. Ties keep input order, so
 * the order is a deterministic function of the input list.
 */
public final class Ranking {

    private final int[] rank;
    private final double[] crowding;
    private final int[] order;

    private Ranking(List<Fitness> fitness) {
        int n = fitness.size();
        ISeq<Fitness> seq = ISeq.of(fitness);
        rank = n == 0 ? new int[0] : Pareto.rank(seq);
        crowding = new double[n];
        int maxRank = 0;
        for (int r : rank) {
            maxRank = Math.max(maxRank, r);
        }
        for (int front = 0; front <= maxRank && n > 0; front++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (rank[i] == front) {
                    members.add(i);
                }
            }
            if (members.isEmpty()) {
                continue;
            }
            ISeq<Fitness> f = members.stream().map(fitness::get).collect(ISeq.toISeq());
            double[] d = Pareto.crowdingDistance(f);
            for (int j = 0; j < members.size(); j++) {
                crowding[members.get(j)] = d[j];
            }
        }
        List<Integer> idx = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        idx.sort(Comparator.<Integer>comparingInt(i -> rank[i])
                .thenComparing(i -> crowding[i], Comparator.reverseOrder()));
        order = idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Ranks {@code fitness}. */
    public static Ranking of(List<Fitness> fitness) {
        return new Ranking(fitness);
    }

    /** The front index of element {@code i} (0 = non-dominated). */
    public int rank(int i) {
        return rank[i];
    }

    /** The crowding distance of element {@code i} within its front (infinite at the front's extremes). */
    public double crowding(int i) {
        return crowding[i];
    }

    /** Element indices, best first: lower front first, then larger crowding distance, then input order. */
    public int[] order() {
        return order.clone();
    }

    /** The indices of the first {@code count} elements in {@link #order()}. */
    public List<Integer> best(int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < Math.min(count, order.length); i++) {
            out.add(order[i]);
        }
        return out;
    }

    /** The indices of the non-dominated elements (front 0), in input order. */
    public List<Integer> front() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < rank.length; i++) {
            if (rank[i] == 0) {
                out.add(i);
            }
        }
        return out;
    }

    /** Whether element {@code i} is better than {@code j} in the crowded order (rank, then crowding). */
    public boolean better(int i, int j) {
        return rank[i] < rank[j] || (rank[i] == rank[j] && crowding[i] > crowding[j]);
    }
}
