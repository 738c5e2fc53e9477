package dev.sublayer.search;

import io.jenetics.Genotype;
import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import java.util.ArrayList;
import java.util.List;

/** Conversion of integer genotypes to plain arrays (for the store) and back. */
public final class Genotypes {

    private Genotypes() {
    }

    /** The gene values, one array per chromosome. */
    public static int[][] toArrays(Genotype<IntegerGene> g) {
        int[][] out = new int[g.length()][];
        for (int c = 0; c < g.length(); c++) {
            out[c] = new int[g.get(c).length()];
            for (int i = 0; i < g.get(c).length(); i++) {
                out[c][i] = g.get(c).get(i).intValue();
            }
        }
        return out;
    }

    /**
     * The genotype with {@code values}, shaped like {@code prototype} (same chromosome count, lengths and ranges).
     *
     * @throws IllegalArgumentException if the shapes differ or a value is outside its gene's range
     */
    public static Genotype<IntegerGene> fromArrays(Genotype<IntegerGene> prototype, int[][] values) {
        if (values.length != prototype.length()) {
            throw new IllegalArgumentException("stored genotype has " + values.length + " chromosomes, the space's "
                    + prototype.length());
        }
        List<IntegerChromosome> chromosomes = new ArrayList<>(values.length);
        for (int c = 0; c < values.length; c++) {
            IntegerChromosome proto = (IntegerChromosome) prototype.get(c);
            if (values[c].length != proto.length()) {
                throw new IllegalArgumentException("stored chromosome " + c + " has " + values[c].length
                        + " genes, the space's " + proto.length());
            }
            List<IntegerGene> genes = new ArrayList<>(values[c].length);
            for (int i = 0; i < values[c].length; i++) {
                IntegerGene gene = proto.get(i).newInstance(values[c][i]);
                if (!gene.isValid()) {
                    throw new IllegalArgumentException("stored gene " + c + "/" + i + " = " + values[c][i]
                            + " is outside [" + gene.min() + ", " + gene.max() + ")");
                }
                genes.add(gene);
            }
            chromosomes.add(IntegerChromosome.of(genes));
        }
        return Genotype.of(chromosomes);
    }
}
