package dev.sublayer.evaluator.worker;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialRequestJson;
import dev.sublayer.space.Notation;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@NativeTest
class WorkerMainTest {

    @Test
    void answersEveryRequestLineWithExactlyOneResultLine(@TempDir Path dir) throws Exception {
        TrialRequest request = new TrialRequest(Notation.parse("d16 n8 pre: A2 F16"), new DataConfig("europarl", 4, 1, 0),
                TrainingConfig.defaults().withSchedule(1, 20), Budget.steps(3), 5);
        Path ckpt = dir.resolve("c.ckpt");
        String first = "{\"request\": " + TrialRequestJson.write(request) + ", \"resume_from\": null, \"checkpoint_to\": \""
                + ckpt + "\"}";
        String second = "{\"request\": " + TrialRequestJson.write(request.withBudget(Budget.steps(5)))
                + ", \"resume_from\": \"" + ckpt + "\", \"checkpoint_to\": null}";
        String input = first + "\n\n{\"request\": 42}\n" + second + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Engine engine = Engines.create("dl4j", 2)) {
            WorkerMain.serve(new BufferedReader(new StringReader(input)), new PrintStream(out, true, StandardCharsets.UTF_8),
                    engine);
        }
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        TrialResult a = TrialJson.resultFromNode(StrictJson.parse(lines.get(0)).get("result"));
        TrialResult bad = TrialJson.resultFromNode(StrictJson.parse(lines.get(1)).get("result"));
        TrialResult b = TrialJson.resultFromNode(StrictJson.parse(lines.get(2)).get("result"));
        assertThat(a.status()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(a.metrics().steps()).isEqualTo(3);
        assertThat(Files.exists(ckpt)).isTrue();
        assertThat(bad.status()).isEqualTo(TrialStatus.FAILED);
        assertThat(bad.failure()).startsWith("unreadable request: ").contains("/request");
        assertThat(b.status()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(b.metrics().steps()).isEqualTo(5);
    }

    @Test
    void aWorkerProcessWritesOnlyResultLinesToStdoutAndExitsZeroAtEndOfInput() throws Exception {
        TrialRequest request = new TrialRequest(Notation.parse("d16 n8 post: F16 A2"), new DataConfig("mqar", 2, 1, 0),
                TrainingConfig.defaults().withSchedule(1, 20), Budget.steps(2), 5);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(), "--threads", "1");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(("{\"request\": " + TrialRequestJson.write(request) + ", \"resume_from\": null, \"checkpoint_to\": null}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        List<String> lines = stdout.lines().toList();
        assertThat(lines).hasSize(1);
        TrialResult r = TrialJson.resultFromNode(StrictJson.parse(lines.get(0)).get("result"));
        assertThat(r.status()).as(r.failure()).isEqualTo(TrialStatus.COMPLETED);
    }
}
