package dev.sublayer.reports;

import dev.sublayer.space.Activation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Cost;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.Features;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.RandomArchitectures;
import dev.sublayer.space.SearchSpace;
import dev.sublayer.space.Sublayer;
import dev.sublayer.space.Template;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.Individual;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import dev.sublayer.trial.WorkerUtilisation;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A seeded, plausible study for tests and the benchmark: generations of proposals (named templates first),
 * successive halving over three rungs, re-evaluations of the best, a realistic mix of failures, learning
 * curves and generation checkpoints with the front and budget use the search stores. Bits/byte follow a made-up
 * law — better with size and rung, slightly better with stacked FFNs, worse without attention or residuals —
 * plus seeded noise, so the report's analyses have something to find.
 *
 * @param info        the study
 * @param trials      its trials in insertion order
 * @param generations its checkpoints
 * @param events      its event log
 */
record SyntheticStudy(StudyInfo info, List<TrialRecord> trials, List<GenerationRecord> generations,
        List<StudyEvent> events) {

    static final Instant T0 = Instant.parse("2026-03-01T22:00:00Z");
    static final Provenance PROVENANCE = new Provenance("0.1.0-SNAPSHOT", "abc1234", "25.0.3 (Eclipse Adoptium)",
            "dl4j", "nd4j-native linux-x86_64-onednn-avx2", "cpu x2", "Linux 6.1 amd64", "lab-box");
    static final String CONFIG = """
            name: synthetic
            seed: 7
            objectives: [valid_bits_per_byte, non_embedding_params, flops_per_token]
            search: {strategy: nsga2, population: 20}
            budget: {max_trials: %d, max_wall_hours: 12, max_training_flops: 5.0e15}
            """;

    /** The objectives of {@link #CONFIG}. */
    static final List<ObjectiveKind> OBJECTIVES = List.of(ObjectiveKind.VALID_BITS_PER_BYTE,
            ObjectiveKind.NON_EMBEDDING_PARAMS, ObjectiveKind.FLOPS_PER_TOKEN);

    /** The plan of {@link #CONFIG} for a study of about {@code trials} trials. */
    static StudyPlan plan(int trials) {
        return StudyPlan.of(OBJECTIVES, trials, Long.MAX_VALUE, 12, 5.0e15, "nsga2");
    }

    /** The front stored with the last generation (empty when there is none). */
    static StudyFront storedFront(List<GenerationRecord> generations) {
        return generations.isEmpty() ? StudyFront.empty(OBJECTIVES)
                : generations.getLast().front().orElse(StudyFront.empty(OBJECTIVES));
    }

    /** Everything as a view, as the report would snapshot it at {@code now}. */
    StudyView view(Instant now) {
        return new StudyView(info, plan(trials.size()), storedFront(generations), trials, generations, events, now);
    }

    /** A view of the store {@code store} holds, with the plan and the stored front, as at {@code now}. */
    static StudyView view(StudyStore store, Instant now) {
        List<GenerationRecord> gens = store.generations();
        return StudyView.of(store, plan(store.trials().size()), storedFront(gens), now);
    }

    /** Writes it all into a new store at {@code dir} through the real store API, then closes it. */
    void writeTo(Path dir) {
        try (StudyStore store = StudyStore.create(dir, info)) {
            for (TrialRecord t : trials) {
                store.putTrial(t);
            }
            for (GenerationRecord g : generations) {
                store.putGeneration(g);
            }
            for (StudyEvent e : events) {
                store.logEvent(e.type(), e.message());
            }
        }
    }

    /**
     * A study of about {@code trials} trials.
     *
     * @param seed        the seed of every choice
     * @param trials      trials to aim for (at least 30)
     * @param name        the study name
     * @param description the description
     * @param finished    whether it has finished (else it is running with one trial in flight)
     */
    static SyntheticStudy generate(long seed, int trials, String name, String description, boolean finished) {
        Random rnd = new Random(seed);
        SearchSpace space = new SearchSpace(2, 12, List.of(Sublayer.Kind.ATTENTION, Sublayer.Kind.FFN),
                List.of(256, 512, 1024), List.of(2, 4), List.of(true, false), List.of(Activation.GELU),
                List.of(128), 128, List.of(NormPlacement.PRE));
        int population = 20;
        // Per generation: 20 at rung 0, 7 at rung 1, 2 at rung 2 (successive halving by thirds).
        int perGeneration = population + 7 + 2;
        int generationCount = Math.max(1, (trials - 10) / perGeneration);
        List<TrialRecord> out = new ArrayList<>(trials + 16);
        List<GenerationRecord> gens = new ArrayList<>();
        List<StudyEvent> events = new ArrayList<>();
        Instant clock = T0;
        double best = Double.POSITIVE_INFINITY;
        List<TrialRecord> topRung = new ArrayList<>();
        for (int g = 0; g < generationCount; g++) {
            List<Architecture> proposals = new ArrayList<>();
            List<Origin> strategies = new ArrayList<>();
            if (g == 0) {
                for (Template t : Template.standard()) {
                    proposals.add(t.build(8, space));
                    strategies.add(Origin.template(t.name()));
                }
            }
            while (proposals.size() < population) {
                proposals.add(RandomArchitectures.searched(rnd, space));
                strategies.add(Origin.proposal("nsga2"));
            }
            List<TrialRecord> rung = new ArrayList<>();
            for (int i = 0; i < proposals.size(); i++) {
                TrialRecord t = trial(rnd, proposals.get(i), 0, g, strategies.get(i), clock, rnd.nextLong());
                clock = t.finished() == null ? clock : t.finished();
                out.add(t);
                rung.add(t);
            }
            for (int r = 1; r <= 2; r++) {
                List<TrialRecord> promoted = rung.stream().filter(t -> t.status() == TrialStatus.COMPLETED)
                        .sorted(Comparator.comparingDouble(t -> t.result().metrics().validBitsPerByte()))
                        .limit(r == 1 ? 7 : 2).toList();
                rung = new ArrayList<>();
                for (TrialRecord p : promoted) {
                    TrialRecord t = trial(rnd, dev.sublayer.space.Notation.parse(p.architecture()), r, g,
                            p.origin(), clock, p.seed());
                    clock = t.finished() == null ? clock : t.finished();
                    out.add(t);
                    rung.add(t);
                    if (r == 2) {
                        topRung.add(t);
                    }
                }
            }
            for (TrialRecord t : out) {
                if (t.rung() == 2 && t.status() == TrialStatus.COMPLETED) {
                    best = Math.min(best, t.result().metrics().validBitsPerByte());
                }
            }
            List<Individual> pop = new ArrayList<>();
            for (int i = 0; i < proposals.size(); i++) {
                pop.add(new Individual(new int[][] {{proposals.get(i).depth()}}, proposals.get(i).canonical(),
                        new double[] {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()}, 0));
            }
            double hv = 0.9 - 0.5 * Math.exp(-0.25 * g) + 0.01 * rnd.nextDouble();
            StudyFront front = front(out, hv);
            long candidates = out.stream().filter(t -> t.rung() == 0).count();
            BudgetUse use = new BudgetUse(candidates, BudgetUse.trainingFlops(out, g),
                    java.time.Duration.between(T0, clock).toMillis() / 1000.0, g + 1);
            gens.add(new GenerationRecord(g, pop, rnd.nextLong(), hv, best, (int) candidates, clock,
                    Optional.of(front), Optional.of(use), Optional.of(new WorkerUtilisation(90, 100, 2))));
            events.add(new StudyEvent(clock, "generation_done", "generation " + g + " done: hypervolume "
                    + String.format(java.util.Locale.ROOT, "%.4f", hv)));
            if (g == generationCount / 2) {
                events.add(new StudyEvent(clock, "study_resumed", "study resumed; 1 running trial marked interrupted"));
            }
        }
        // Re-evaluate the best top-rung architectures with two more seeds each.
        List<TrialRecord> bestTop = topRung.stream().filter(t -> t.status() == TrialStatus.COMPLETED)
                .sorted(Comparator.comparingDouble(t -> t.result().metrics().validBitsPerByte()))
                .map(TrialRecord::architecture).distinct().limit(4)
                .map(a -> topRung.stream().filter(t -> t.architecture().equals(a)).findFirst().orElseThrow()).toList();
        for (TrialRecord b : bestTop) {
            for (int s = 0; s < 2; s++) {
                TrialRecord t = trial(rnd, dev.sublayer.space.Notation.parse(b.architecture()), 2, -1,
                        Origin.reevaluation(), clock, rnd.nextLong(), true);
                clock = t.finished();
                out.add(t);
            }
        }
        if (!finished) {
            out.add(TrialRecord.running(key(rnd), RandomArchitectures.searched(rnd, space).canonical(), 0,
                    rnd.nextLong(), Budget.steps(200), generationCount, Origin.proposal("nsga2"), "worker-1@lab-box",
                    clock, PROVENANCE));
        }
        String config = CONFIG.formatted(trials);
        StudyInfo info = new StudyInfo(name, description, 7, config, config + "workers: 2\n",
                finished ? "finished" : "running", T0, finished ? clock.plusSeconds(5) : null,
                "sublayer search studies/synthetic.yaml", PROVENANCE);
        return new SyntheticStudy(info, out, gens, events);
    }

    private static String key(Random rnd) {
        byte[] b = new byte[8];
        rnd.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The front stored as the search stores it: per architecture its highest completed rung, the non-dominated
     * members of the highest rung on the three objectives, best bits/byte first. (This fixture stands in for the
     * search's computation, which the reports module does not depend on.)
     */
    private static StudyFront front(List<TrialRecord> trials, double hypervolume) {
        java.util.Map<String, TrialRecord> best = new java.util.TreeMap<>();
        for (TrialRecord t : trials) {
            if (t.status() == TrialStatus.COMPLETED && t.generation() >= 0) {
                best.merge(t.architecture(), t, (x, y) -> x.rung() >= y.rung() ? x : y);
            }
        }
        int rung = best.values().stream().mapToInt(TrialRecord::rung).max().orElse(-1);
        List<double[]> values = new ArrayList<>();
        List<TrialRecord> top = new ArrayList<>();
        for (TrialRecord t : best.values()) {
            if (t.rung() == rung) {
                top.add(t);
                TrialMetrics m = t.result().metrics();
                values.add(new double[] {m.validBitsPerByte(), m.nonEmbeddingParams(), m.flopsPerToken()});
            }
        }
        List<StudyFront.Member> members = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            boolean dominated = false;
            for (int j = 0; j < top.size() && !dominated; j++) {
                boolean noWorse = true;
                boolean better = false;
                for (int k = 0; k < 3; k++) {
                    noWorse &= values.get(j)[k] <= values.get(i)[k];
                    better |= values.get(j)[k] < values.get(i)[k];
                }
                dominated = j != i && noWorse && better;
            }
            if (!dominated) {
                TrialRecord t = top.get(i);
                members.add(new StudyFront.Member(t.key(), t.architecture(), t.rung(), t.generation(), t.origin(),
                        values.get(i)));
            }
        }
        members.sort(Comparator.<StudyFront.Member>comparingDouble(m -> m.value(0))
                .thenComparing(StudyFront.Member::architecture));
        return members.isEmpty() ? StudyFront.empty(OBJECTIVES)
                : new StudyFront(OBJECTIVES, rung, hypervolume, members);
    }

    private static TrialRecord trial(Random rnd, Architecture a, int rung, int generation, Origin strategy,
            Instant start, long seed) {
        return trial(rnd, a, rung, generation, strategy, start, seed, false);
    }

    private static TrialRecord trial(Random rnd, Architecture a, int rung, int generation, Origin strategy,
            Instant start, long seed, boolean alwaysComplete) {
        Cost cost = CostModel.of(a, ModelShape.bytes());
        Features f = Features.of(a);
        long steps = 100L << (2 * rung);
        Budget budget = Budget.steps(steps);
        int roll = rnd.nextInt(100);
        TrialStatus status = alwaysComplete || roll < 85 ? TrialStatus.COMPLETED : roll < 90 ? TrialStatus.DIVERGED
                : roll < 94 ? TrialStatus.FAILED : roll < 96 ? TrialStatus.OUT_OF_MEMORY : TrialStatus.REJECTED;
        if (rung > 0 && status == TrialStatus.REJECTED) {
            status = TrialStatus.COMPLETED;
        }
        double seconds = steps * (0.05 + cost.forwardFlopsPerToken() / 4e7) * (0.9 + 0.2 * rnd.nextDouble());
        double bpb = 2.6 - 0.11 * Math.log(cost.nonEmbeddingParams() / 1e5) + 0.4 / (rung + 1)
                - 0.012 * Math.min(3, f.longestFfnRun() - 1)
                + (f.attentionCount() == 0 ? 0.45 : 0) + 0.04 * (a.depth() - f.residualCount())
                + 0.012 * rnd.nextGaussian();
        List<CurvePoint> curve = new ArrayList<>();
        TrialMetrics m;
        String failure = "";
        Instant finished;
        switch (status) {
            case COMPLETED -> {
                curve = curve(rnd, steps, bpb, steps);
                long tokens = steps * 32 * 128;
                m = new TrialMetrics(bpb * Math.log(2), bpb, 0.2 + 0.3 * rnd.nextDouble(), cost.totalParams(),
                        cost.nonEmbeddingParams(), cost.forwardFlopsPerToken(),
                        (double) cost.trainingFlopsPerToken() * tokens, steps, tokens, 1.5, seconds, 2.0,
                        tokens / seconds, 600L << 20, 900L << 20);
                finished = start.plusMillis((long) (1000 * (seconds + 3.5)));
            }
            case DIVERGED -> {
                long at = steps / 2 + rnd.nextInt((int) (steps / 2));
                curve = curve(rnd, at, bpb + 1, steps);
                failure = "loss became NaN at step " + at;
                m = new TrialMetrics(Double.NaN, Double.NaN, Double.NaN, cost.totalParams(), cost.nonEmbeddingParams(),
                        cost.forwardFlopsPerToken(), (double) cost.trainingFlopsPerToken() * at * 4096, at, at * 4096,
                        1.5, seconds / 2, 0, 4096 * at / (seconds / 2), 600L << 20, 900L << 20);
                finished = start.plusMillis((long) (500 * seconds));
            }
            case FAILED -> {
                failure = rnd.nextBoolean() ? "worker exited with code 137 while training (killed by the OS?)"
                        : "trial exceeded its time cap of 600 s; worker replaced";
                m = TrialMetrics.none();
                finished = start.plusSeconds(30);
            }
            case OUT_OF_MEMORY -> {
                failure = "java.lang.OutOfMemoryError: Cannot reserve 268435456 bytes of direct buffer memory";
                m = TrialMetrics.none();
                finished = start.plusSeconds(12);
            }
            default -> {
                failure = "estimated training memory 9.1 GB exceeds the cap of 8 GB";
                m = TrialMetrics.none();
                finished = start;
            }
        }
        return new TrialRecord(key(rnd), a.canonical(), rung, seed, budget, generation, strategy,
                "worker-" + rnd.nextInt(2) + "@lab-box", start, finished,
                new TrialResult(status, m, curve, failure, PROVENANCE));
    }

    /** Twenty evaluation points (every {@code total/20} steps) up to {@code until}, decaying to {@code bpb}. */
    private static List<CurvePoint> curve(Random rnd, long until, double bpb, long total) {
        List<CurvePoint> c = new ArrayList<>();
        long every = Math.max(1, total / 20);
        for (long s = every; s <= until; s += every) {
            double progress = (double) s / total;
            double bits = bpb + 5.5 * Math.exp(-6 * progress) * (1 + 0.02 * rnd.nextGaussian());
            double nats = bits * Math.log(2);
            c.add(new CurvePoint(s, s * 32 * 128, s * 0.05, nats * 1.02, nats));
        }
        return c;
    }
}
