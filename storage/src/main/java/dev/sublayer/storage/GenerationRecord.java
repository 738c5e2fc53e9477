package dev.sublayer.storage;

import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.WorkerUtilisation;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A generation checkpoint: the population after generation {@code generation}, what the search needs to
 * continue from it exactly, and what the study stood at then: its front and its budget use.
 *
 * @param generation      the generation number (0 = initial population)
 * @param population      the population with genotypes and fitness
 * @param rngSeed         the seed (RNG position) the next generation draws from
 * @param hypervolume     the hypervolume of the front so far ({@code NaN} if not computed)
 * @param bestBitsPerByte the best validation bits per byte so far ({@code NaN} if none)
 * @param trialsDone      candidates trained at rung 0 through this generation (what {@code max_trials} counts)
 * @param time            when the checkpoint was taken
 * @param front           the study's front after this generation; empty in checkpoints of stores written by
 *                        Sublayer 0.1.0, which did not store it
 * @param budgetUse       the study's budget use after this generation; empty where {@code front} is
 * @param utilisation     how busy the worker slots were during this generation; empty in checkpoints of stores
 *                        written before it was measured
 */
public record GenerationRecord(
        int generation,
        List<Individual> population,
        long rngSeed,
        double hypervolume,
        double bestBitsPerByte,
        int trialsDone,
        Instant time,
        Optional<StudyFront> front,
        Optional<BudgetUse> budgetUse,
        Optional<WorkerUtilisation> utilisation) {

    public GenerationRecord {
        population = List.copyOf(population);
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(front, "front");
        Objects.requireNonNull(budgetUse, "budgetUse");
        Objects.requireNonNull(utilisation, "utilisation");
    }

    /** A checkpoint with front and budget use but no utilisation measured. */
    public GenerationRecord(int generation, List<Individual> population, long rngSeed, double hypervolume,
                            double bestBitsPerByte, int trialsDone, Instant time, Optional<StudyFront> front,
                            Optional<BudgetUse> budgetUse) {
        this(generation, population, rngSeed, hypervolume, bestBitsPerByte, trialsDone, time, front, budgetUse,
                Optional.empty());
    }

    /** A checkpoint without front and budget use, as Sublayer 0.1.0 stored them. */
    public GenerationRecord(int generation, List<Individual> population, long rngSeed, double hypervolume,
                            double bestBitsPerByte, int trialsDone, Instant time) {
        this(generation, population, rngSeed, hypervolume, bestBitsPerByte, trialsDone, time, Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
