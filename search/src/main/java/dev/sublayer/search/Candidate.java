package dev.sublayer.search;

import dev.sublayer.space.Architecture;
import dev.sublayer.trial.Origin;
import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import java.util.Objects;

/**
 * A proposed candidate: its genotype, the architecture it decodes to, and what proposed it.
 *
 * @param genotype     the genotype
 * @param architecture {@code codec.decode(genotype)}
 * @param origin       what proposed it (a strategy, a template, a fixed layout); stored with the candidate's trials
 */
public record Candidate(Genotype<IntegerGene> genotype, Architecture architecture, Origin origin) {
    public Candidate {
        Objects.requireNonNull(genotype, "genotype");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(origin, "origin");
    }
}
