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

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One engine's side of the engine benchmark: trains the reference configuration (d_model 128, 4 heads,
 * context 128, batch 32, A4 F512 ×4, byte-level Europarl, seed 1) with the named engine and prints one JSON
 * line on stdout (progress on stderr). Arguments: engine, steps, warm-up steps excluded from the steady-state
 * rate, threads[, notation].
 *
 * <p>Start-up figures: {@code jvm_to_engine_seconds} from the JVM's start to a usable engine (class loading,
 * native libraries, for DJL unpacking them into the cache on a first run); {@code build_seconds} the model
 * build of the trial; {@code startup_seconds} everything before the first training step (JVM start to
 * engine, corpus loading and checksum, validation batches, build).
 */
public final class EngineBench {
    public static void main(String[] args) throws Exception {
        String engineName = args[0];
        int steps = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        String notation = args.length > 4 ? args[4] : "A4 F512 A4 F512 A4 F512 A4 F512";
        Architecture arch = Notation.parse(notation, 128, 128, NormPlacement.PRE);
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long[] firstStep = {0};
        long[] steadyStart = {0};
        try (Engine engine = Engines.create(engineName, threads)) {
            double jvmToEngine = (System.currentTimeMillis() - jvmStart) / 1e3;
            TrialRequest request = new TrialRequest(arch, DataConfig.defaults(), TrainingConfig.defaults().withLogging(50, 0),
                    Budget.steps(steps), 1);
            TrialResult r = engine.train(request, (step, max, tokens, loss) -> {
                if (step == 1) {
                    firstStep[0] = System.currentTimeMillis();
                }
                if (step == warmup) {
                    steadyStart[0] = System.nanoTime();
                }
                if (step % 50 == 0 || step == 1) {
                    System.err.printf(Locale.ROOT, "%s step %d loss %.4f%n", engineName, step, loss);
                }
            }, Optional.empty(), Optional.empty());
            long end = System.nanoTime();
            // The listener runs after each step, so (steps - warmup) steps lie between steadyStart and the final
            // evaluation; subtract the evaluation time measured by the engine.
            double steadySeconds = (end - steadyStart[0]) / 1e9 - r.metrics().evalSeconds();
            double steady = (steps - warmup) * 32.0 * 128 / steadySeconds;
            // The first step's own time counts as training, not start-up: take it out again.
            double firstStepSeconds = r.metrics().trainSeconds() / steps;
            double startup = (firstStep[0] - jvmStart) / 1e3 - firstStepSeconds;
            System.out.printf(Locale.ROOT, "{\"engine\": \"%s\", \"status\": \"%s\", \"params\": %d, \"steps\": %d, "
                            + "\"tokens_per_second\": %.1f, \"steady_tokens_per_second\": %.1f, \"valid_loss\": %.4f, "
                            + "\"peak_rss_bytes\": %d, \"peak_heap_bytes\": %d, \"jvm_to_engine_seconds\": %.2f, "
                            + "\"build_seconds\": %.2f, \"startup_seconds\": %.2f, \"train_seconds\": %.1f, "
                            + "\"threads\": %d, \"backend\": \"%s\", \"mkl_dynamic\": \"%s\"}%n",
                    r.provenance().engine(), r.status().configName(), r.metrics().totalParams(), r.metrics().steps(),
                    r.metrics().tokensPerSecond(), steady, r.metrics().validLoss(), peakRss(), r.metrics().peakHeapBytes(),
                    jvmToEngine, r.metrics().buildSeconds(), startup, r.metrics().trainSeconds(), threads,
                    r.provenance().backend(), System.getenv().getOrDefault("MKL_DYNAMIC", ""));
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
