package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportDataTest {

    /** A completed trial of {@code notation} whose curve is {@code curve}. */
    private static TrialRecord withCurve(String notation, List<CurvePoint> curve) {
        TrialRecord t = Trials.completed(notation, 0, 2.0, "nsga2");
        TrialResult r = t.result();
        return Trials.record(t.architecture(), 0, "nsga2",
                new TrialResult(TrialStatus.COMPLETED, r.metrics(), curve, "", r.provenance()));
    }

    private static List<CurvePoint> trainingEvery10Steps(int points, boolean validateAtEnd) {
        List<CurvePoint> c = new ArrayList<>();
        for (int i = 1; i <= points; i++) {
            double valid = validateAtEnd && i == points ? 1.5 : Double.NaN;
            c.add(new CurvePoint(10L * i, 640L * i, i, 3.0 - 0.1 * i, valid));
        }
        return c;
    }

    @Test
    void aTrialThatValidatedFewerThanTwiceShowsItsTrainingLossFlagged() {
        List<TrialRecord> t = List.of(
                // Validated once, at the end of its rung (the quickstart's schedule): its training loss is drawn.
                withCurve("A2 F64", trainingEvery10Steps(5, true)),
                // Validated three times: its validation curve is drawn.
                withCurve("A2 F64 F64", List.of(new CurvePoint(10, 640, 1, 2.9, 2.8),
                        new CurvePoint(20, 1280, 2, 2.7, 2.6), new CurvePoint(30, 1920, 3, 2.5, 2.4))),
                // Never validated: training loss.
                withCurve("A2 F128", trainingEvery10Steps(4, false)),
                // One point of either kind: a dot, from the validation.
                withCurve("A2 A2 F64", List.of(new CurvePoint(10, 640, 1, 2.9, 2.8))));
        JsonNode curves = JsonMapper.builder().build().readTree(ReportData.json(new StudyAnalysis(Trials.view(t))))
                .get("curves");
        assertThat(values(curves.get("trial"))).containsExactly(0.0, 1.0, 2.0, 3.0);
        assertThat(values(curves.get("train"))).containsExactly(1.0, 0.0, 1.0, 0.0);
        assertThat(curves.get("y").get(0)).hasSize(5);
        assertThat(curves.get("y").get(0).get(0).asDouble()).isEqualTo(StudyAnalysis.bits(2.9), within4());
        assertThat(curves.get("y").get(1)).hasSize(3);
        assertThat(curves.get("y").get(1).get(2).asDouble()).isEqualTo(StudyAnalysis.bits(2.4), within4());
        assertThat(curves.get("y").get(2)).hasSize(4);
        assertThat(curves.get("y").get(3)).hasSize(1);
        assertThat(curves.get("y").get(3).get(0).asDouble()).isEqualTo(StudyAnalysis.bits(2.8), within4());
    }

    /** The data rounds to four significant digits. */
    private static org.assertj.core.data.Offset<Double> within4() {
        return org.assertj.core.data.Offset.offset(1e-3);
    }

    private static List<Double> values(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asDouble()));
        return out;
    }
}
