import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.TrialResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Sublayer side of the evaluator benchmark: trains the reference configuration with the DL4J engine and
 * prints one JSON line on stdout (progress on stderr). Arguments: steps, warm-up steps excluded from the
 * steady-state rate, threads, and optionally the architecture (notation at d_model 128, context 128, pre-LN;
 * the reference configuration's by default).
 */
public final class EvaluatorBench {
    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[0]);
        int warmup = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        String notation = args.length > 3 ? args[3] : "A4 F512 A4 F512 A4 F512 A4 F512";
        Architecture arch = Notation.parse(notation, 128, 128, NormPlacement.PRE);
        long[] steadyStart = {0};
        long[] lastPrint = {0};
        try (Engine engine = Engines.create("dl4j", threads)) {
            TrialRequest request = new TrialRequest(arch, DataConfig.defaults(), TrainingConfig.defaults().withLogging(50, 0),
                    Budget.steps(steps), 1);
            TrialResult r = engine.train(request, (step, max, tokens, loss) -> {
                if (step == warmup) {
                    steadyStart[0] = System.nanoTime();
                }
                if (step % 50 == 0 || step == 1) {
                    System.err.printf(Locale.ROOT, "sublayer step %d loss %.4f%n", step, loss);
                }
            }, Optional.empty(), Optional.empty());
            long end = System.nanoTime();
            // The listener runs after each step, so (steps - warmup) steps lie between steadyStart and the
            // final evaluation; subtract the evaluation time measured by the engine.
            double steadySeconds = (end - steadyStart[0]) / 1e9 - r.metrics().evalSeconds();
            double steady = (steps - warmup) * 32.0 * 128 / steadySeconds;
            System.out.printf(Locale.ROOT, "{\"engine\": \"sublayer %s\", \"architecture\": \"%s\", \"status\": \"%s\", \"params\": %d, \"steps\": %d, "
                            + "\"tokens_per_second\": %.1f, \"steady_tokens_per_second\": %.1f, \"valid_loss\": %.4f, "
                            + "\"peak_rss_bytes\": %d, \"peak_heap_bytes\": %d, \"build_seconds\": %.2f, \"threads\": %d, \"backend\": \"%s\"}%n",
                    r.provenance().engine(), notation, r.status().configName(), r.metrics().totalParams(), r.metrics().steps(),
                    r.metrics().tokensPerSecond(), steady, r.metrics().validLoss(), peakRss(), r.metrics().peakHeapBytes(),
                    r.metrics().buildSeconds(), threads, r.provenance().backend());
        }
    }

    /** The process's peak resident set (VmHWM), bytes. */
    private static long peakRss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
