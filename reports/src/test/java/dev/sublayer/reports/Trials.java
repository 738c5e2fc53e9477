package dev.sublayer.reports;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.Cost;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Hand-made trials and views for unit tests. */
final class Trials {

    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

    /** The objectives of the unit-test studies. */
    static final List<ObjectiveKind> OBJECTIVES = List.of(ObjectiveKind.VALID_BITS_PER_BYTE,
            ObjectiveKind.NON_EMBEDDING_PARAMS, ObjectiveKind.FLOPS_PER_TOKEN);

    /** Their plan: no budget limits, NSGA-II. */
    static final StudyPlan PLAN = StudyPlan.of(OBJECTIVES, Long.MAX_VALUE, Long.MAX_VALUE, Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY, "nsga2");
    private static final AtomicInteger KEYS = new AtomicInteger();

    private Trials() {
    }

    static StudyInfo info(String name, String description) {
        return new StudyInfo(name, description, 99, "objectives: [valid_bits_per_byte, non_embedding_params]\n",
                "objectives: [valid_bits_per_byte, non_embedding_params]\nseed: 99\n", "finished", T0,
                T0.plusSeconds(7200), "sublayer search s.yaml", SyntheticStudy.PROVENANCE);
    }

    /** A view of {@code trials} with an empty front. */
    static StudyView view(List<TrialRecord> trials) {
        return view(info("unit", ""), trials);
    }

    /** A view of {@code trials} with an empty front. */
    static StudyView view(StudyInfo info, List<TrialRecord> trials) {
        return view(info, trials, StudyFront.empty(OBJECTIVES));
    }

    /** A view of {@code trials} whose stored front is {@code front}. */
    static StudyView view(List<TrialRecord> trials, StudyFront front) {
        return view(info("unit", ""), trials, front);
    }

    static StudyView view(StudyInfo info, List<TrialRecord> trials, StudyFront front) {
        return new StudyView(info, PLAN, front, trials, List.of(), List.of(), T0.plusSeconds(9000));
    }

    /**
     * The front the search would have stored with {@code members} on it, in this order: their single-seed values
     * on {@link #OBJECTIVES}, at the first member's rung. The hypervolume is not the point of these tests: 0.5.
     */
    static StudyFront front(TrialRecord... members) {
        List<StudyFront.Member> out = new ArrayList<>();
        for (TrialRecord t : members) {
            Architecture a = Notation.parse(t.architecture());
            double[] values = OBJECTIVES.stream()
                    .mapToDouble(o -> o.measure(t.result(), a, ModelShape.bytes())).toArray();
            out.add(new StudyFront.Member(t.key(), t.architecture(), t.rung(), t.generation(), t.origin(), values));
        }
        return new StudyFront(OBJECTIVES, members.length == 0 ? -1 : members[0].rung(), members.length == 0 ? 0 : 0.5,
                out);
    }

    /** A completed trial of {@code notation} (sublayers only; d64 n32 pre) with the given bits/byte. */
    static TrialRecord completed(String notation, int rung, double bpb, String strategy) {
        Architecture a = Notation.parse(notation, 64, 32, dev.sublayer.space.NormPlacement.PRE);
        Cost c = CostModel.of(a, ModelShape.bytes());
        TrialMetrics m = new TrialMetrics(bpb * Math.log(2), bpb, 0.5, c.totalParams(), c.nonEmbeddingParams(),
                c.forwardFlopsPerToken(), 1e12, 100, 100 * 32 * 32, 1, 60, 1, 5000, 1L << 28, 1L << 29);
        List<CurvePoint> curve = List.of(new CurvePoint(50, 50 * 1024, 30, 3.0, 2.5),
                new CurvePoint(100, 100 * 1024, 60, bpb * Math.log(2), bpb * Math.log(2)));
        return record(a.canonical(), rung, strategy, new TrialResult(TrialStatus.COMPLETED, m, curve, "",
                SyntheticStudy.PROVENANCE));
    }

    static TrialRecord failed(String notation, TrialStatus status, String failure) {
        Architecture a = Notation.parse(notation, 64, 32, dev.sublayer.space.NormPlacement.PRE);
        return record(a.canonical(), 0, "nsga2", new TrialResult(status, TrialMetrics.none(), List.of(), failure,
                SyntheticStudy.PROVENANCE));
    }

    static TrialRecord record(String architecture, int rung, String strategy, TrialResult result) {
        int k = KEYS.incrementAndGet();
        Instant start = T0.plusSeconds(60L * k);
        Origin origin = Origin.parse(strategy);
        return new TrialRecord(String.format("k%05d", k), architecture, rung, 1000 + k, Budget.steps(100L << rung),
                origin.isReevaluation() ? -1 : 0, origin, "w0@host", start, start.plusSeconds(50), result);
    }
}
