package dev.sublayer.search;

import dev.sublayer.search.config.Promotion;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.moea.Fitness;
import dev.sublayer.search.moea.Ranking;
import dev.sublayer.storage.TrialRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Which of a batch's chains continue from one rung to the next, as the study's {@code fidelity} section says.
 * Successive halving ({@code halving}) keeps the best {@code keep_fraction} of the chains that completed the
 * rung (at least one), in the NSGA-II order (front, then crowding distance). Progressive hurdles
 * ({@code hurdle}) keep every completed chain whose first objective is at most the {@code keep_fraction}
 * quantile of the earlier generations' completed results at that rung, and fall back to successive halving
 * while there are none. A chain without finite objective values at the rung (failed) never continues.
 */
final class RungPromotion {

    private static final Logger LOG = LogManager.getLogger(RungPromotion.class);

    private final StudyContext context;
    private final StudyResults results;

    RungPromotion(StudyContext context, StudyResults results) {
        this.context = context;
        this.results = results;
    }

    /** The chains that continue from {@code rung} to the next, in proposal order. */
    List<RungChain> promote(List<RungChain> active, int rung, int generation) {
        List<RungChain> completed = new ArrayList<>();
        List<Fitness> fitness = new ArrayList<>();
        for (RungChain ch : active) {
            double[] v = ch.results[rung] == null ? null : context.objectiveValues(ch.architecture, ch.results[rung]);
            if (v != null) {
                completed.add(ch);
                fitness.add(Fitness.of(rung, v));
            }
        }
        if (completed.isEmpty()) {
            return List.of();
        }
        StudyConfig.Fidelity f = context.config().fidelity();
        if (f.promotion() == Promotion.HURDLE) {
            List<TrialRecord> history = results.completedAt(rung, generation);
            double[] past = history.stream()
                    .map(r -> context.objectiveValues(dev.sublayer.space.Notation.parse(r.architecture()), r.result()))
                    .filter(v -> v != null)
                    .mapToDouble(v -> v[0])
                    .sorted()
                    .toArray();
            if (past.length > 0) {
                int idx = Math.max(0, (int) Math.ceil(past.length * f.keepFraction()) - 1);
                double hurdle = past[idx];
                List<RungChain> out = new ArrayList<>();
                for (int i = 0; i < completed.size(); i++) {
                    if (fitness.get(i).value(0) <= hurdle) {
                        out.add(completed.get(i));
                    }
                }
                LOG.debug("rung {} hurdle {} ({} earlier candidates): {} of {} continue", rung, hurdle, past.length,
                        out.size(), completed.size());
                return out;
            }
        }
        int keep = Math.max(1, (int) Math.ceil(completed.size() * f.keepFraction()));
        Ranking ranking = Ranking.of(fitness);
        List<RungChain> out = new ArrayList<>();
        for (int i : ranking.best(keep)) {
            out.add(completed.get(i));
        }
        // Proposal order, not rank order, so the next rung's task order is stable.
        out.sort(Comparator.comparingInt(active::indexOf));
        return out;
    }
}
