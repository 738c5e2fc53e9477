package dev.sublayer.search.moea;

import io.jenetics.ext.moea.ElementComparator;
import io.jenetics.ext.moea.ElementDistance;
import io.jenetics.ext.moea.Pareto;
import io.jenetics.ext.moea.Vec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;

/**
 * The fitness of one evaluated candidate: its objective values, every one minimised, measured at one
 * fidelity rung. It is the Jenetics multi-objective fitness ({@code Vec<double[]>}) the search optimises.
 *
 * <p><b>Rung-stratified dominance.</b> Objectives are only comparable between trials trained with the
 * same budget, so {@link #dominance(Vec)} first compares rungs: a candidate that reached a higher rung
 * dominates one that stopped lower (it won the lower rung's comparison, or was never beaten there), and
 * only candidates at the same rung are compared by Pareto dominance. A candidate whose training failed
 * has rung {@value #FAILED_RUNG} and is dominated by every successful one. Non-dominated sorting with
 * this order ({@link Pareto#rank}, {@code NSGA2Selector.ofVec()}) therefore ranks the highest rung's
 * fronts first, then the next rung's, and so on.
 *
 * <p>Element comparisons and distances ({@link #comparator()}, {@link #distance()}) follow Jenetics'
 * convention that "greater is better", so an engine optimising this fitness uses
 * {@code Optimize.MAXIMUM}, exactly as with {@code VecFactory.ofDoubleVec(Optimize.MINIMUM, ...)}.
 */
public final class Fitness implements Vec<double[]> {

    /** The rung of a candidate whose training failed (or was rejected): below every real rung. */
    public static final int FAILED_RUNG = -1;

    private static final ElementComparator<double[]> COMPARATOR = (u, v, i) -> Double.compare(v[i], u[i]);
    private static final ElementDistance<double[]> DISTANCE = (u, v, i) -> v[i] - u[i];
    private static final Comparator<double[]> PARETO = (u, v) -> Pareto.dominance(u, v, u.length, COMPARATOR);

    private final double[] values;
    private final int rung;

    private Fitness(double[] values, int rung) {
        if (values.length < 1) {
            throw new IllegalArgumentException("a fitness needs at least one objective value");
        }
        for (double v : values) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("objective values must not be NaN, got " + Arrays.toString(values));
            }
        }
        if (rung < FAILED_RUNG) {
            throw new IllegalArgumentException("rung must be >= " + FAILED_RUNG + ", got " + rung);
        }
        this.values = values.clone();
        this.rung = rung;
    }

    /** The fitness of a candidate measured at {@code rung} (>= 0) with the given objective values. */
    public static Fitness of(int rung, double... values) {
        if (rung < 0) {
            throw new IllegalArgumentException("a measured fitness needs rung >= 0, got " + rung);
        }
        return new Fitness(values, rung);
    }

    /**
     * The fitness of a candidate that produced no measurement; {@code worst} are the values it is given
     * (finite, e.g. the objectives' reference point) so crowding distances stay finite.
     */
    public static Fitness failed(double... worst) {
        return new Fitness(worst, FAILED_RUNG);
    }

    /** Rebuilds a stored fitness: {@code rung} {@value #FAILED_RUNG} means failed. */
    public static Fitness restore(int rung, double[] values) {
        return new Fitness(values, rung);
    }

    /** The objective values (a copy), in the study's objective order, all minimised. */
    public double[] values() {
        return values.clone();
    }

    /** The objective value {@code i}. */
    public double value(int i) {
        return values[i];
    }

    /** The rung the values were measured at, or {@value #FAILED_RUNG} if the candidate failed. */
    public int rung() {
        return rung;
    }

    /** Whether the candidate failed (no measurement). */
    public boolean failed() {
        return rung == FAILED_RUNG;
    }

    @Override
    public double[] data() {
        return values.clone();
    }

    @Override
    public int length() {
        return values.length;
    }

    @Override
    public ElementComparator<double[]> comparator() {
        return COMPARATOR;
    }

    @Override
    public ElementDistance<double[]> distance() {
        return DISTANCE;
    }

    /** Plain Pareto dominance of the values, without the rung; {@link #dominance(Vec)} is what ranks. */
    @Override
    public Comparator<double[]> dominance() {
        return PARETO;
    }

    @Override
    public int compare(Vec<double[]> other, int index) {
        return COMPARATOR.compare(values, valuesOf(other), index);
    }

    @Override
    public double distance(Vec<double[]> other, int index) {
        return DISTANCE.distance(values, valuesOf(other), index);
    }

    /**
     * Rung-stratified Pareto dominance: {@code 1} if this fitness dominates {@code other}, {@code -1} if
     * {@code other} dominates this one, {@code 0} otherwise.
     */
    @Override
    public int dominance(Vec<double[]> other) {
        int otherRung = other instanceof Fitness f ? f.rung : rung;
        if (otherRung != rung) {
            return Integer.compare(rung, otherRung);
        }
        return PARETO.compare(values, valuesOf(other));
    }

    @Override
    public int compareTo(Vec<double[]> other) {
        return dominance(other);
    }

    private static double[] valuesOf(Vec<double[]> v) {
        return v instanceof Fitness f ? f.values : v.data();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fitness f && f.rung == rung && Arrays.equals(f.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(values) + rung;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(rung == FAILED_RUNG ? "failed" : "rung " + rung).append(' ');
        b.append('[');
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", values[i]));
        }
        return b.append(']').toString();
    }
}
