package dev.sublayer.search;

import dev.sublayer.trial.Origin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.exec.Provenances;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promotion on one objective (bits/byte), so the best chains are plainly the lowest. */
class RungPromotionTest {

    @TempDir
    Path tmp;

    private static final String[] WIDTHS = {"32", "64", "128"};

    private StudyContext context(String fidelity) {
        String yaml = TestStudies.yaml("nsga2", 1, 10, "objectives: [valid_bits_per_byte]\n")
                .replace("  keep_fraction: 0.34\n", fidelity);
        return new StudyContext(TestStudies.config(yaml), tmp);
    }

    /** A distinct architecture per index. */
    private static Architecture architecture(int i) {
        return Notation.parse("A2 F" + WIDTHS[i % 3] + " A" + (i / 3 % 2 == 0 ? "2" : "4") + (i >= 6 ? " F32" : ""),
                32, 16, NormPlacement.PRE);
    }

    private static TrialResult result(double bitsPerByte) {
        if (Double.isNaN(bitsPerByte)) {
            return new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(), "crashed",
                    Provenances.local("test"));
        }
        TrialMetrics m = new TrialMetrics(bitsPerByte * Math.log(2), bitsPerByte, Double.NaN, 1000, 500, 1000, 1e6,
                20, 1000, 0, 1, 0, 1000, -1, -1);
        return new TrialResult(TrialStatus.COMPLETED, m, List.of(), "", Provenances.local("test"));
    }

    /** Chains at rung 0 with these bits/byte ({@code NaN} = failed), in proposal order. */
    private static List<RungChain> chains(int first, double... bitsPerByte) {
        List<RungChain> out = new ArrayList<>();
        for (int i = 0; i < bitsPerByte.length; i++) {
            RungChain ch = new RungChain(architecture(first + i), Origin.proposal("nsga2"), 2);
            ch.keys[0] = "k" + (first + i);
            ch.results[0] = result(bitsPerByte[i]);
            out.add(ch);
        }
        return out;
    }

    private static void record(StudyResults results, StudyContext context, int index, int generation,
                               double bitsPerByte) {
        Architecture a = architecture(index);
        TrialRecord r = TrialRecord.running("h" + index, a.canonical(), 0, context.seed(0), context.budget(0),
                generation, Origin.proposal("nsga2"), "worker-1", Instant.EPOCH, Provenances.local("test"));
        results.record(r.finish(result(bitsPerByte), Instant.EPOCH));
    }

    private static List<Double> bitsPerByte(List<RungChain> chains) {
        return chains.stream().map(ch -> ch.results[0].metrics().validBitsPerByte()).toList();
    }

    @Test
    void halvingKeepsTheBestFractionInProposalOrderAndNeverAFailedChain() {
        StudyContext context = context("  keep_fraction: 0.34\n  promotion: halving\n");
        RungPromotion promotion = new RungPromotion(context, new StudyResults(context));
        // 5 completed: ceil(5 x 0.34) = 2 continue.
        List<RungChain> active = chains(0, 3.0, 2.0, 5.0, Double.NaN, 1.0, 4.0);
        List<RungChain> promoted = promotion.promote(active, 0, 0);
        assertThat(bitsPerByte(promoted)).containsExactly(2.0, 1.0);
        assertThat(promoted).containsExactly(active.get(1), active.get(4));
    }

    @Test
    void halvingKeepsAtLeastOneAndNoneWhenAllFailed() {
        StudyContext context = context("  keep_fraction: 0.1\n");
        RungPromotion promotion = new RungPromotion(context, new StudyResults(context));
        assertThat(bitsPerByte(promotion.promote(chains(0, 3.0, 2.0, 5.0), 0, 0))).containsExactly(2.0);
        assertThat(promotion.promote(chains(0, Double.NaN, Double.NaN), 0, 0)).isEmpty();
    }

    @Test
    void hurdlesCompareWithEarlierGenerationsOnly() {
        StudyContext context = context("  keep_fraction: 0.5\n  promotion: hurdle\n");
        StudyResults results = new StudyResults(context);
        // Earlier generations: the 0.5 quantile of 1.5, 2.5, 3.5, 4.5 is 2.5.
        record(results, context, 6, 0, 1.5);
        record(results, context, 7, 0, 2.5);
        record(results, context, 8, 1, 3.5);
        record(results, context, 9, 1, 4.5);
        // This generation's own results do not count (with them the hurdle would be 1.5).
        record(results, context, 10, 2, 0.1);
        record(results, context, 11, 2, 0.2);
        RungPromotion promotion = new RungPromotion(context, results);
        List<RungChain> promoted = promotion.promote(chains(0, 3.0, 2.4, 1.0, Double.NaN, 2.5), 0, 2);
        assertThat(bitsPerByte(promoted)).containsExactly(2.4, 1.0, 2.5);
    }

    @Test
    void hurdlesWithoutHistoryFallBackToHalving() {
        StudyContext context = context("  keep_fraction: 0.5\n  promotion: hurdle\n");
        RungPromotion promotion = new RungPromotion(context, new StudyResults(context));
        assertThat(bitsPerByte(promotion.promote(chains(0, 3.0, 2.4, 1.0, 2.5), 0, 0))).containsExactly(2.4, 1.0);
    }
}
