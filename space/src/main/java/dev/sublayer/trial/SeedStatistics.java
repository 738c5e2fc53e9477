package dev.sublayer.trial;

import java.util.Arrays;
import java.util.List;

/**
 * The mean and sample standard deviation of objective values over runs of one architecture with different
 * seeds: what re-evaluation adds to a front member (the front itself is ranked on the search's single-seed
 * values). The terminal table, {@code front.json} and the report all compute it here.
 *
 * @param n    runs the statistics are over
 * @param mean per objective
 * @param std  per objective, the sample standard deviation ({@code n - 1} in the denominator); {@code NaN} when
 *             {@code n < 2}
 */
public record SeedStatistics(int n, double[] mean, double[] std) {

    public SeedStatistics {
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * The statistics of {@code runs}, each an objective vector of the same length, in the order given (the
     * search's own run first).
     *
     * @throws IllegalArgumentException if there are no runs or their lengths differ
     */
    public static SeedStatistics of(List<double[]> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("statistics need at least one run");
        }
        int n = runs.size();
        int d = runs.getFirst().length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] r : runs) {
            if (r.length != d) {
                throw new IllegalArgumentException("runs differ in length: " + d + " and " + r.length);
            }
        }
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
        return new SeedStatistics(n, mean, std);
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeedStatistics s && s.n == n && Arrays.equals(s.mean, mean) && Arrays.equals(s.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * n + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "SeedStatistics[n=" + n + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
