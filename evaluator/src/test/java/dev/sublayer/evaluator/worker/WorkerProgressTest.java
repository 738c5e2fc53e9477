package dev.sublayer.evaluator.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Progress lines: written only when a request asks, at most about once a second, before the result line. */
class WorkerProgressTest {

    private static final TrialRequest REQUEST = new TrialRequest(Notation.parse("d16 n8 pre: A2 F16"),
            new DataConfig("europarl", 4, 1, 0), TrainingConfig.defaults(), Budget.steps(3), 5);

    /** An engine that reports three steps, 1.2 s apart after the first two, then completes. */
    private static final class SteppingEngine implements Engine {
        @Override
        public String name() {
            return "stepping";
        }

        @Override
        public TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom,
                                 Optional<Path> checkpointTo) {
            listener.stepDone(1, 3, 64, 4.5);
            listener.stepDone(2, 3, 128, 4.25); // within the interval: not written
            try {
                Thread.sleep(WorkerProtocol.PROGRESS_INTERVAL_MILLIS + 200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listener.stepDone(3, 3, 192, 4.0);
            return new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(), "done",
                    new Provenance("0", "c", "25", "stepping", "none", "cpu", "linux", "host"));
        }
    }

    private static List<String> serve(String input) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WorkerMain.serve(new BufferedReader(new StringReader(input)), new PrintStream(out, true, StandardCharsets.UTF_8),
                new SteppingEngine());
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aRequestThatAsksGetsRateLimitedProgressLinesBeforeItsResult() throws Exception {
        List<String> lines = serve(WorkerProtocol.requestLine(REQUEST, Optional.empty(), Optional.empty(), true) + "\n");
        assertThat(lines).hasSize(3);
        assertThat(WorkerProtocol.readAnswerLine(lines.get(0)))
                .isEqualTo(new WorkerProtocol.Progress(new TrialStep(1, 3, 64, 4.5)));
        assertThat(WorkerProtocol.readAnswerLine(lines.get(1)))
                .isEqualTo(new WorkerProtocol.Progress(new TrialStep(3, 3, 192, 4.0)));
        assertThat(WorkerProtocol.readAnswerLine(lines.get(2))).isInstanceOf(WorkerProtocol.Result.class);
    }

    @Test
    void aParentThatDoesNotAskGetsTheResultLineOnly() throws Exception {
        List<String> lines = serve(WorkerProtocol.requestLine(REQUEST, Optional.empty(), Optional.empty()) + "\n");
        assertThat(lines).hasSize(1);
        assertThat(WorkerProtocol.readResultLine(lines.get(0)).failure()).isEqualTo("done");
    }
}
