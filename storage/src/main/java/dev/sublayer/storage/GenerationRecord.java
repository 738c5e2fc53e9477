package dev.sublayer.storage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A generation checkpoint: the population after generation {@code generation} and what the search needs to
 * continue from it exactly.
 *
 * @param generation      the generation number (0 = initial population)
 * @param population      the population with genotypes and fitness
 * @param rngSeed         the seed (RNG position) the next generation draws from
 * @param hypervolume     the hypervolume of the front so far ({@code NaN} if not computed)
 * @param bestBitsPerByte the best validation bits per byte so far ({@code NaN} if none)
 * @param trialsDone      trials finished in the study so far
 * @param time            when the checkpoint was taken
 */
public record GenerationRecord(
        int generation,
        List<Individual> population,
        long rngSeed,
        double hypervolume,
        double bestBitsPerByte,
        int trialsDone,
        Instant time) {

    public GenerationRecord {
        population = List.copyOf(population);
        Objects.requireNonNull(time, "time");
    }
}
