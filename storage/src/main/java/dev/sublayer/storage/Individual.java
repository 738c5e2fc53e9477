package dev.sublayer.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * One member of a saved population: its genotype, the architecture it decodes to and its fitness, so a
 * search can resume without re-evaluating anything. Arrays are copied in and out; equality compares
 * contents (doubles bit-wise, like records do).
 *
 * @param genotype     chromosome values, one array per chromosome
 * @param architecture the decoded architecture in canonical notation
 * @param fitness      the objective values, or {@code null} if not evaluated
 * @param rung         the fidelity rung the fitness was measured at
 */
public record Individual(int[][] genotype, String architecture, double[] fitness, int rung) {

    public Individual {
        Objects.requireNonNull(genotype, "genotype");
        genotype = deepCopy(genotype);
        Objects.requireNonNull(architecture, "architecture");
        fitness = fitness == null ? null : fitness.clone();
    }

    @Override
    public int[][] genotype() {
        return deepCopy(genotype);
    }

    @Override
    public double[] fitness() {
        return fitness == null ? null : fitness.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Individual other
                && Arrays.deepEquals(genotype, other.genotype)
                && architecture.equals(other.architecture)
                && Arrays.equals(fitness, other.fitness)
                && rung == other.rung;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.deepHashCode(genotype), architecture, Arrays.hashCode(fitness), rung);
    }

    @Override
    public String toString() {
        return "Individual[genotype=" + Arrays.deepToString(genotype) + ", architecture=" + architecture
                + ", fitness=" + Arrays.toString(fitness) + ", rung=" + rung + "]";
    }

    private static int[][] deepCopy(int[][] a) {
        int[][] copy = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            copy[i] = Objects.requireNonNull(a[i], "genotype chromosome " + i).clone();
        }
        return copy;
    }
}
