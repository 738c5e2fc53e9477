package dev.sublayer.evaluator.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialRequestJson;
import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.space.Constraints;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerProtocolTest {

    private static final TrialRequest REQUEST = new TrialRequest(Notation.parse("d16 n8 pre: A2 F32 M4k2/16"),
            new DataConfig("file:/tmp/a b.txt", 4, 2, 9), TrainingConfig.defaults().withMoeAuxWeight(0.03),
            Budget.steps(7).withMaxSeconds(12.5), -3, new Constraints(10_000, Long.MAX_VALUE, 1L << 30));

    @Test
    void aRequestLineCarriesTheCanonicalRequestAndReadsBackExactly() {
        Path from = Path.of("/studies/s/checkpoints/a b.ckpt");
        String line = WorkerProtocol.requestLine(REQUEST, Optional.of(from), Optional.empty());
        assertThat(line).doesNotContain("\n")
                .startsWith("{\"request\":" + TrialRequestJson.write(REQUEST) + ",")
                .endsWith(",\"resume_from\":\"/studies/s/checkpoints/a b.ckpt\",\"checkpoint_to\":null}");
        WorkerProtocol.RequestLine back = WorkerProtocol.readRequestLine(line);
        assertThat(back).isEqualTo(new WorkerProtocol.RequestLine(REQUEST, Optional.of(from), Optional.empty(), false));
    }

    @Test
    void aResultLineReadsBackExactly() {
        TrialResult result = new TrialResult(TrialStatus.COMPLETED, new TrialMetrics(1.5, 1.5 / Math.log(2), 0.25,
                100, 80, 160, 4.2e6, 7, 224, 0.1, 0.5, 0.05, 448.0, 1 << 20, 0),
                List.of(new CurvePoint(7, 224, 0.5, 2.0, 1.5)), "",
                new Provenance("0.1.0", "abc", "25", "dl4j", "nd4j", "cpu", "linux", "host"));
        String line = WorkerProtocol.resultLine(result);
        assertThat(line).startsWith("{\"result\":{\"status\":\"completed\"").doesNotContain("\n");
        assertThat(WorkerProtocol.readResultLine(line)).isEqualTo(result);
    }

    @Test
    void unreadableLinesNameWhatIsWrong() {
        assertThatThrownBy(() -> WorkerProtocol.readRequestLine("{\"request\": 42}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/request");
        String noPaths = "{\"request\": " + TrialRequestJson.write(REQUEST) + "}";
        assertThatThrownBy(() -> WorkerProtocol.readRequestLine(noPaths))
                .hasMessageContaining("resume_from");
        assertThatThrownBy(() -> WorkerProtocol.readResultLine("{\"answer\": 1}"))
                .hasMessageContaining("expected {\"result\": ...}");
        assertThatThrownBy(() -> WorkerProtocol.readResultLine("{\"result\": {\"status\": \"done\"}}"))
                .hasMessageContaining("/result");
    }

    @Test
    void aRequestAsksForProgressOnlyWhenTheParentWantsIt() {
        String with = WorkerProtocol.requestLine(REQUEST, Optional.empty(), Optional.empty(), true);
        assertThat(with).endsWith(",\"progress\":true}");
        assertThat(WorkerProtocol.readRequestLine(with).progress()).isTrue();
        // A parent that knows nothing of progress lines writes the line it always wrote, read as "no progress".
        String without = WorkerProtocol.requestLine(REQUEST, Optional.empty(), Optional.empty());
        assertThat(without).doesNotContain("progress");
        assertThat(WorkerProtocol.readRequestLine(without).progress()).isFalse();
        assertThatThrownBy(() -> WorkerProtocol.readRequestLine(without.replace("}}", "}") + ",\"progress\":1}"))
                .hasMessageContaining("/progress").hasMessageContaining("true or false");
    }

    @Test
    void aProgressLineReadsBackExactly() {
        TrialStep step = new TrialStep(120, 400, 7680, 3.25);
        String line = WorkerProtocol.progressLine(step);
        assertThat(line).isEqualTo("{\"progress\":{\"step\":120,\"max_steps\":400,\"tokens\":7680,\"loss\":3.25}}");
        assertThat(WorkerProtocol.readAnswerLine(line)).isEqualTo(new WorkerProtocol.Progress(step));
        // Only wall time caps it, and a loss that was not finite.
        TrialStep open = new TrialStep(3, Long.MAX_VALUE, 96, Double.POSITIVE_INFINITY);
        assertThat(WorkerProtocol.readAnswerLine(WorkerProtocol.progressLine(open)))
                .isEqualTo(new WorkerProtocol.Progress(new TrialStep(3, Long.MAX_VALUE, 96, Double.NaN)));
    }

    @Test
    void anAnswerLineIsAProgressLineOrTheResult() {
        TrialResult result = new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(), "boom",
                new Provenance("0.1.0", "abc", "25", "dl4j", "nd4j", "cpu", "linux", "host"));
        assertThat(WorkerProtocol.readAnswerLine(WorkerProtocol.resultLine(result)))
                .isEqualTo(new WorkerProtocol.Result(result));
        assertThatThrownBy(() -> WorkerProtocol.readAnswerLine("{\"progress\": {\"step\": -1, \"max_steps\": null,"
                + " \"tokens\": 0, \"loss\": null}}")).hasMessageContaining("/progress").hasMessageContaining("step");
        assertThatThrownBy(() -> WorkerProtocol.readAnswerLine("{\"progress\": {\"step\": 1}}"))
                .hasMessageContaining("/progress").hasMessageContaining("max_steps");
        assertThatThrownBy(() -> WorkerProtocol.readAnswerLine("{\"answer\": 1}"))
                .hasMessageContaining("expected {\"result\": ...}");
    }
}
