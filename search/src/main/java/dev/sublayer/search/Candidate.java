package dev.sublayer.search;

import dev.sublayer.space.Architecture;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import java.util.Objects;

/**
 * A proposed candidate: its genotype, the architecture it decodes to, and what proposed it.
 *
 * @param genotype     the genotype
 * @param architecture {@code codec.decode(genotype)}
 * @param origin       the proposer, e.g. {@code nsga2}, {@code template:sandwich_2}, {@code random}; stored as the
 *                     trial's strategy
 */
public record Candidate(Genotype<IntegerGene> genotype, Architecture architecture, String origin) {
    public Candidate {
        Objects.requireNonNull(genotype, "genotype");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(origin, "origin");
    }
}
