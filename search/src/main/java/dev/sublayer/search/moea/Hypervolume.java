package dev.sublayer.search.moea;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The exact hypervolume indicator for minimised objectives: the volume of the region that the
 * points dominate and that is bounded by a reference point.
 *
 * <p>Two and three objectives use sweeps (O(n log n) and O(n² log n)); more objectives use
 * hypervolume-by-slicing-objectives, exact but exponential in the number of objectives, which is
 * fine for the few objectives and front sizes of a study. A point that is not strictly better than
 * the reference in every objective adds nothing.
 *
 * <p>{@link #normalised} first maps every objective to {@code (value - ideal) / (reference - ideal)},
 * so that a study's hypervolume lies in [0, 1] and is comparable across generations, studies and
 * strategies that share the objectives' ideal and reference values.
 */
public final class Hypervolume {

    private Hypervolume() {
    }

    /**
     * The hypervolume of {@code points} (each minimised) against {@code reference}.
     *
     * @throws IllegalArgumentException if a point's length differs from the reference's, or a value is NaN
     */
    public static double of(List<double[]> points, double[] reference) {
        int d = reference.length;
        if (d < 1) {
            throw new IllegalArgumentException("hypervolume needs at least one objective");
        }
        List<double[]> inside = new ArrayList<>(points.size());
        for (double[] p : points) {
            if (p.length != d) {
                throw new IllegalArgumentException("point " + Arrays.toString(p) + " has " + p.length
                        + " objectives, the reference point " + d);
            }
            boolean better = true;
            for (int i = 0; i < d; i++) {
                if (Double.isNaN(p[i])) {
                    throw new IllegalArgumentException("point " + Arrays.toString(p) + " has a NaN objective");
                }
                better &= p[i] < reference[i];
            }
            if (better) {
                inside.add(p);
            }
        }
        return volume(inside, reference, d);
    }

    /**
     * The hypervolume after mapping each objective {@code i} to {@code (v - ideal[i]) / (reference[i] - ideal[i])},
     * against the reference point (1, ..., 1); values below the ideal are kept (they may exceed a unit volume).
     *
     * @throws IllegalArgumentException if {@code reference[i] <= ideal[i]} for some objective
     */
    public static double normalised(List<double[]> points, double[] ideal, double[] reference) {
        int d = reference.length;
        if (ideal.length != d) {
            throw new IllegalArgumentException("ideal and reference points differ in length");
        }
        for (int i = 0; i < d; i++) {
            if (!(reference[i] > ideal[i])) {
                throw new IllegalArgumentException("objective " + i + ": reference " + reference[i]
                        + " must be greater than ideal " + ideal[i]);
            }
        }
        List<double[]> scaled = new ArrayList<>(points.size());
        for (double[] p : points) {
            if (p.length != d) {
                throw new IllegalArgumentException("point " + Arrays.toString(p) + " has " + p.length
                        + " objectives, the reference point " + d);
            }
            double[] q = new double[d];
            for (int i = 0; i < d; i++) {
                q[i] = (p[i] - ideal[i]) / (reference[i] - ideal[i]);
            }
            scaled.add(q);
        }
        double[] one = new double[d];
        Arrays.fill(one, 1.0);
        return of(scaled, one);
    }

    /** Volume dominated by {@code pts} (all strictly inside the reference box) in the first {@code d} objectives. */
    private static double volume(List<double[]> pts, double[] ref, int d) {
        if (pts.isEmpty()) {
            return 0;
        }
        if (d == 1) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] p : pts) {
                best = Math.min(best, p[0]);
            }
            return ref[0] - best;
        }
        if (d == 2) {
            return sweep2(pts, ref);
        }
        // Slice along the last objective: between consecutive values of it, the dominated cross-section
        // is the (d-1)-dimensional volume of every point at or below the slice.
        int last = d - 1;
        List<double[]> sorted = new ArrayList<>(pts);
        sorted.sort(Comparator.comparingDouble(p -> p[last]));
        double total = 0;
        List<double[]> below = new ArrayList<>(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            below.add(sorted.get(i));
            double top = i + 1 < sorted.size() ? sorted.get(i + 1)[last] : ref[last];
            double thickness = top - sorted.get(i)[last];
            if (thickness > 0) {
                total += volume(nonDominated(below, last), ref, last) * thickness;
            }
        }
        return total;
    }

    private static double sweep2(List<double[]> pts, double[] ref) {
        double[][] a = pts.toArray(new double[0][]);
        Arrays.sort(a, Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
        double area = 0;
        double ceiling = ref[1];
        for (double[] p : a) {
            if (p[1] < ceiling) {
                area += (ref[0] - p[0]) * (ceiling - p[1]);
                ceiling = p[1];
            }
        }
        return area;
    }

    /** The points not weakly dominated by another in the first {@code d} objectives (duplicates kept once). */
    private static List<double[]> nonDominated(List<double[]> pts, int d) {
        List<double[]> out = new ArrayList<>(pts.size());
        for (int i = 0; i < pts.size(); i++) {
            double[] p = pts.get(i);
            boolean dominated = false;
            for (int j = 0; j < pts.size() && !dominated; j++) {
                if (i == j) {
                    continue;
                }
                double[] q = pts.get(j);
                boolean weakly = true;
                boolean equal = true;
                for (int k = 0; k < d; k++) {
                    weakly &= q[k] <= p[k];
                    equal &= q[k] == p[k];
                }
                // Of two equal points keep the first only.
                dominated = weakly && (!equal || j < i);
            }
            if (!dominated) {
                out.add(p);
            }
        }
        return out;
    }
}
