package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.strategy.Generation;
import dev.sublayer.search.strategy.Strategy;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule of the budget policy, the order they are checked in, and the reason each gives. */
class BudgetPolicyTest {

    private static final long NO_TRIALS = Long.MAX_VALUE;
    private static final long NO_GENERATIONS = Long.MAX_VALUE;
    private static final double NO_HOURS = Double.POSITIVE_INFINITY;
    private static final double NO_FLOPS = Double.POSITIVE_INFINITY;
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Provenance PROVENANCE = new Provenance("0.1.0-SNAPSHOT", "abc1234", "25", "stub", "",
            "cpu x1", "Linux", "test");

    @TempDir
    Path tmp;

    /** A strategy that has nothing more to propose from generation {@code from} on. */
    private static Strategy finishedFrom(int from) {
        return new Strategy() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int plannedCandidates(int generation) {
                return 0;
            }

            @Override
            public List<Member> initialise(Generation generation) {
                throw new AssertionError("the policy never runs a generation");
            }

            @Override
            public List<Member> next(List<Member> population, Generation generation) {
                throw new AssertionError("the policy never runs a generation");
            }

            @Override
            public Optional<String> finished(int generation) {
                return generation >= from ? Optional.of("all 4 fixed layouts trained") : Optional.empty();
            }
        };
    }

    private static BudgetPolicy policy(long maxTrials, long maxGenerations, double maxWallHours,
                                       double maxTrainingFlops) {
        return new BudgetPolicy(new StudyConfig.StudyBudget(maxTrials, maxGenerations, maxWallHours,
                maxTrainingFlops), finishedFrom(Integer.MAX_VALUE));
    }

    private static BudgetUse used(long candidates, double flops, double wallSeconds) {
        return new BudgetUse(candidates, flops, wallSeconds, 0);
    }

    /** {@code trialsDone} of each generation checkpoint, oldest first. */
    private static List<GenerationRecord> history(int... trialsDone) {
        List<GenerationRecord> out = new ArrayList<>();
        for (int g = 0; g < trialsDone.length; g++) {
            out.add(new GenerationRecord(g, List.of(), g + 1, 0.5, 3.0, trialsDone[g], T0.plusSeconds(g),
                    Optional.empty(), Optional.empty()));
        }
        return out;
    }

    @Test
    void aStudyWithBudgetLeftMayStartTheNextGeneration() {
        BudgetPolicy p = policy(10, 5, 1, 1e12);
        assertThat(p.exhausted(0, used(0, 0, 0), List.of())).isNull();
        assertThat(p.exhausted(4, used(9, 9.99e11, 3599), history(2, 4, 6, 9))).isNull();
    }

    @Test
    void maxGenerationsStopsBeforeTheGenerationWithThatNumber() {
        BudgetPolicy p = policy(NO_TRIALS, 3, NO_HOURS, NO_FLOPS);
        assertThat(p.exhausted(2, used(0, 0, 0), history(1, 2))).isNull();
        assertThat(p.exhausted(3, used(0, 0, 0), history(1, 2, 3))).isEqualTo("max_generations (3) reached");
    }

    @Test
    void maxTrialsCountsTheCandidatesTrainedSoFar() {
        BudgetPolicy p = policy(10, NO_GENERATIONS, NO_HOURS, NO_FLOPS);
        assertThat(p.exhausted(2, used(9, 0, 0), history(5, 9))).isNull();
        assertThat(p.exhausted(2, used(10, 0, 0), history(5, 10)))
                .isEqualTo("max_trials (10) reached: 10 candidates trained");
        // A generation may overshoot: the reason gives the count.
        assertThat(p.exhausted(2, used(12, 0, 0), history(5, 12)))
                .isEqualTo("max_trials (10) reached: 12 candidates trained");
    }

    @Test
    void maxTrainingFlopsCountsTheFlopsSpentSoFar() {
        BudgetPolicy p = policy(NO_TRIALS, NO_GENERATIONS, NO_HOURS, 1e12);
        assertThat(p.exhausted(1, used(3, 9.99e11, 0), history(3))).isNull();
        assertThat(p.exhausted(1, used(3, 1.5e12, 0), history(3)))
                .isEqualTo("max_training_flops (1.00e+12) reached: 1.50e+12 FLOPs spent");
    }

    @Test
    void maxWallHoursCountsTheWallSecondsSoFar() {
        BudgetPolicy p = policy(NO_TRIALS, NO_GENERATIONS, 0.5, NO_FLOPS);
        assertThat(p.exhausted(1, used(3, 0, 1799.9), history(3))).isNull();
        assertThat(p.exhausted(1, used(3, 0, 1800), history(3))).isEqualTo("max_wall_hours (0.5) reached");
    }

    @Test
    void theStrategyBeingFinishedEndsTheSearchBeforeAnyBudgetIsChecked() {
        BudgetPolicy p = new BudgetPolicy(new StudyConfig.StudyBudget(10, 1, 0.5, 1e12), finishedFrom(1));
        assertThat(p.exhausted(0, used(0, 0, 0), List.of())).isNull();
        assertThat(p.exhausted(1, used(10, 1e12, 1800), history(10))).isEqualTo("all 4 fixed layouts trained");
    }

    @Test
    void theFirstRuleThatAppliesNamesTheReason() {
        BudgetPolicy p = policy(10, 3, 0.5, 1e12);
        BudgetUse everythingSpent = used(10, 1e12, 1800);
        assertThat(p.exhausted(3, everythingSpent, history(1, 2, 10))).startsWith("max_generations");
        assertThat(p.exhausted(2, everythingSpent, history(1, 10))).startsWith("max_trials");
        assertThat(p.exhausted(2, used(9, 1e12, 1800), history(1, 9))).startsWith("max_training_flops");
        assertThat(p.exhausted(2, used(9, 9e11, 1800), history(1, 9))).startsWith("max_wall_hours");
    }

    @Test
    void aSearchThatTrainedNoNewCandidateInStallGenerationsHasConverged() {
        BudgetPolicy p = policy(1000, NO_GENERATIONS, NO_HOURS, NO_FLOPS);
        // The last STALL_GENERATIONS + 1 checkpoints all at 7: no generation among the last ten trained anything.
        assertThat(p.exhausted(12, used(7, 0, 0), history(3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7)))
                .isEqualTo("converged: no new candidate in " + Search.STALL_GENERATIONS + " generations");
        // The oldest of the ten generations trained one: not converged yet.
        assertThat(p.exhausted(11, used(7, 0, 0), history(6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7))).isNull();
        // Fewer checkpoints than that never count as converged.
        assertThat(p.exhausted(10, used(7, 0, 0), history(7, 7, 7, 7, 7, 7, 7, 7, 7, 7))).isNull();
    }

    @Test
    void theUseBeforeAGenerationCountsOnlyTheGenerationsBeforeIt() {
        StudyResults results = new StudyResults(new StudyContext(TestStudies.config(
                TestStudies.yaml("nsga2", 1, 10, "")), tmp));
        Origin nsga2 = Origin.proposal("nsga2");
        results.record(trial("a", "A2 F64", 0, 0, nsga2, 1e9));
        results.record(trial("b", "A2 F128", 0, 0, nsga2, 1e9));
        // Promoted: continues a's checkpoint, so its FLOPs include a's.
        results.record(trial("a1", "A2 F64", 1, 0, nsga2, 3e9));
        // A re-evaluation seed: not a candidate, but its FLOPs are spent.
        results.record(trial("r", "A2 F64", 1, -1, Origin.reevaluation(), 2e9));
        // Left by a session that died in generation 1: an uninterrupted run would not have counted it yet.
        results.record(trial("c", "A2 F32", 0, 1, nsga2, 1e9));

        assertThat(BudgetPolicy.usedBefore(0, results, 0, 12.5)).isEqualTo(new BudgetUse(0, 2e9, 12.5, 0));
        assertThat(BudgetPolicy.usedBefore(1, results, 1, 20)).isEqualTo(new BudgetUse(2, 6e9, 20, 1));
        assertThat(BudgetPolicy.usedBefore(2, results, 2, 30)).isEqualTo(new BudgetUse(3, 7e9, 30, 2));

        BudgetPolicy p = policy(3, NO_GENERATIONS, NO_HOURS, NO_FLOPS);
        assertThat(p.exhausted(1, BudgetPolicy.usedBefore(1, results, 1, 20), history(2))).isNull();
        assertThat(p.exhausted(2, BudgetPolicy.usedBefore(2, results, 2, 30), history(2, 3)))
                .isEqualTo("max_trials (3) reached: 3 candidates trained");
    }

    private static TrialRecord trial(String key, String layers, int rung, int generation, Origin origin,
                                     double trainingFlops) {
        long seed = origin.isReevaluation() ? 2 : 1;
        TrialMetrics m = new TrialMetrics(1.5, 2.1, 0.4, 9000, 4000, 18000, trainingFlops, 100, 6400, 0.1, 2.0, 0.2,
                3200, 1L << 26, 1L << 25);
        return new TrialRecord(key, "d32 n16 pre: " + layers, rung, seed, Budget.steps(20L << rung), generation,
                origin, "w0", T0, T0.plusSeconds(5), new TrialResult(TrialStatus.COMPLETED, m, List.of(), "",
                PROVENANCE));
    }
}
