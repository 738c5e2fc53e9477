package dev.sublayer.search;

import dev.sublayer.search.moea.Fitness;
import dev.sublayer.space.Architecture;
import dev.sublayer.storage.Individual;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.engine.InvertibleCodec;
import java.util.Objects;

/**
 * An evaluated member of a population.
 *
 * @param genotype     the genotype
 * @param architecture the architecture it decodes to
 * @param fitness      its fitness (objectives at the highest rung it reached)
 */
public record Member(Genotype<IntegerGene> genotype, Architecture architecture, Fitness fitness) {

    public Member {
        Objects.requireNonNull(genotype, "genotype");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(fitness, "fitness");
    }

    /** This member as the store keeps it. */
    public Individual toIndividual() {
        return new Individual(Genotypes.toArrays(genotype), architecture.canonical(), fitness.values(), fitness.rung());
    }

    /**
     * Rebuilds a stored member.
     *
     * @throws IllegalArgumentException if the stored genotype does not fit the codec or does not decode to the
     *                                  stored architecture (a changed search space)
     */
    public static Member fromIndividual(Individual i, InvertibleCodec<Architecture, IntegerGene> codec) {
        Genotype<IntegerGene> g = Genotypes.fromArrays(codec.encoding().newInstance(), i.genotype());
        Architecture a = codec.decode(g);
        if (!a.canonical().equals(i.architecture())) {
            throw new IllegalArgumentException("stored genotype decodes to " + a.canonical() + ", not the stored "
                    + i.architecture() + " (was the search space changed?)");
        }
        if (i.fitness() == null) {
            throw new IllegalArgumentException("stored member " + i.architecture() + " has no fitness");
        }
        return new Member(g, a, dev.sublayer.search.moea.Fitness.restore(i.rung(), i.fitness()));
    }
}
