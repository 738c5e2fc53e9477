package dev.sublayer.storage;

import dev.sublayer.trial.Budget;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.WorkerUtilisation;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Seeded test values for the store. */
final class Fixtures {

    static final Provenance PROVENANCE = new Provenance("0.1.0-SNAPSHOT", "abc123", "25 Temurin", "dl4j",
            "nd4j-native linux-x86_64-onednn-avx2", "cpu x2", "Linux 6.1 amd64", "host-1");
    static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

    private Fixtures() {
    }

    static StudyInfo info(String name) {
        return new StudyInfo(name, "a test study", 42, "population: 8\n", "population: 8\nseed: 42\n", "running",
                T0, null, "sublayer search study.yaml", PROVENANCE);
    }

    static List<CurvePoint> curve(Random rnd, int points) {
        List<CurvePoint> curve = new ArrayList<>(points);
        double loss = 5.5;
        for (int i = 1; i <= points; i++) {
            loss *= 0.97 + 0.02 * rnd.nextDouble();
            curve.add(new CurvePoint(i * 20L, i * 20L * 4096, i * 1.37 * (1 + rnd.nextDouble() * 0.01), loss,
                    i % 5 == 0 ? loss + 0.05 * rnd.nextDouble() : Double.NaN));
        }
        return curve;
    }

    static TrialMetrics metrics(Random rnd) {
        double loss = 1 + rnd.nextDouble();
        return new TrialMetrics(loss, loss / Math.log(2), rnd.nextDouble(), 800_000 + rnd.nextInt(100_000),
                500_000 + rnd.nextInt(100_000), 1_600_000 + rnd.nextInt(100_000), 1e12 * rnd.nextDouble(), 1000,
                4_096_000, rnd.nextDouble(), 100 * rnd.nextDouble(), rnd.nextDouble(), 7000 + 100 * rnd.nextDouble(),
                1L << 30, 3L << 30);
    }

    /** A finished trial with a random terminal status (mostly completed) and a curve of {@code points}. */
    static TrialRecord finished(Random rnd, String key, int generation, int rung, int points) {
        TrialStatus[] terminal = {TrialStatus.COMPLETED, TrialStatus.COMPLETED, TrialStatus.COMPLETED,
                TrialStatus.DIVERGED, TrialStatus.FAILED, TrialStatus.OUT_OF_MEMORY, TrialStatus.REJECTED};
        TrialStatus status = terminal[rnd.nextInt(terminal.length)];
        TrialResult result = new TrialResult(status,
                status == TrialStatus.REJECTED ? TrialMetrics.none() : metrics(rnd),
                status == TrialStatus.REJECTED ? List.of() : curve(rnd, points),
                status == TrialStatus.COMPLETED ? "" : "because " + status.configName(), PROVENANCE);
        Instant started = T0.plusSeconds(rnd.nextInt(100_000));
        return new TrialRecord(key, "A4 F512g A4 F512g | d128 n128 pre", rung, rnd.nextLong(),
                Budget.steps(1000L << rung), generation, Origin.proposal("nsga2"), "worker-" + rnd.nextInt(4) + "@host-1",
                started, started.plusMillis(rnd.nextInt(1_000_000)), result);
    }

    static TrialRecord running(Random rnd, String key, int generation, int rung) {
        return TrialRecord.running(key, "A4 F512r", rung, rnd.nextLong(), Budget.tokens(1_000_000), generation,
                Origin.template("sandwich_2"), "worker-0@host-1", T0.plusSeconds(rnd.nextInt(1000)), PROVENANCE);
    }

    static GenerationRecord generation(Random rnd, int g, int size) {
        List<Individual> pop = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int[][] genotype = {{rnd.nextInt(8)}, {rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3)}, {rnd.nextInt(5)}};
            double[] fitness = i % 4 == 3 ? null : new double[] {rnd.nextDouble() * 3, 1e5 * rnd.nextDouble(),
                    i % 5 == 0 ? Double.NaN : rnd.nextDouble()};
            pop.add(new Individual(genotype, "A4 F512g", fitness, rnd.nextInt(3)));
        }
        if (g % 2 == 0) {
            // Even generations as Sublayer 0.1.0 stored them, odd ones with the front and budget use.
            return new GenerationRecord(g, pop, rnd.nextLong(), rnd.nextDouble(), 1 + rnd.nextDouble(), 10 * g + size,
                    T0.plusSeconds(60L * g));
        }
        List<ObjectiveKind> objectives = List.of(ObjectiveKind.VALID_BITS_PER_BYTE, ObjectiveKind.NON_EMBEDDING_PARAMS);
        StudyFront front = new StudyFront(objectives, 1, rnd.nextDouble(), List.of(
                new StudyFront.Member("k" + g + "a", "d64 n64 pre: A2 F64", 1, g, Origin.proposal("nsga2"),
                        new double[] {2 + rnd.nextDouble(), 33_536}),
                new StudyFront.Member("k" + g + "b", "d64 n64 pre: A2 F64 F64", 1, 0, Origin.template("sandwich_1"),
                        new double[] {1 + rnd.nextDouble(), 66_000})));
        BudgetUse use = new BudgetUse(Math.max(0, 10L * g + size), 1e12 * rnd.nextDouble(), 3600 * rnd.nextDouble(),
                Math.max(0, g + 1));
        // Every other one of those also with the worker utilisation measured in it.
        Optional<WorkerUtilisation> utilisation = g % 4 == 1 ? Optional.of(new WorkerUtilisation(
                100 * rnd.nextDouble(), 200 + rnd.nextDouble(), 1 + rnd.nextInt(8))) : Optional.empty();
        return new GenerationRecord(g, pop, rnd.nextLong(), rnd.nextDouble(), 1 + rnd.nextDouble(), 10 * g + size,
                T0.plusSeconds(60L * g), Optional.of(front), Optional.of(use), utilisation);
    }
}
