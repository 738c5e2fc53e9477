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
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Hand-made trials and views for unit tests. */
final class Trials {

    static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    private static final AtomicInteger KEYS = new AtomicInteger();

    private Trials() {
    }

    static StudyInfo info(String name, String description) {
        return new StudyInfo(name, description, 99, "objectives: [bits_per_byte, non_embedding_params, flops_per_token]\n",
                "objectives: [bits_per_byte, non_embedding_params, flops_per_token]\nseed: 99\n", "finished", T0,
                T0.plusSeconds(7200), "sublayer search s.yaml", SyntheticStudy.PROVENANCE);
    }

    static StudyView view(List<TrialRecord> trials) {
        return view(info("unit", ""), trials);
    }

    static StudyView view(StudyInfo info, List<TrialRecord> trials) {
        return new StudyView(info, StudyPlan.fromConfig(info.configResolved()), trials, List.of(), List.of(),
                T0.plusSeconds(9000));
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
        return new TrialRecord(String.format("k%05d", k), architecture, rung, 1000 + k, Budget.steps(100L << rung), 0,
                strategy, "w0@host", start, start.plusSeconds(50), result);
    }
}
