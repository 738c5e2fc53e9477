package dev.sublayer.evaluator.worker;

import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.Provenances;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A long-lived worker JVM that trains trials for a parent process, and exits at once when that process dies
 * ({@link ParentWatchdog}).
 *
 * <p>It speaks {@link WorkerProtocol}: one request line on stdin, one result line on stdout, in order, until end
 * of input, which ends the worker with exit code 0; before a result, progress lines (the engine's
 * {@link TrialListener} steps, at most one per {@link WorkerProtocol#PROGRESS_INTERVAL_MILLIS} ms) when the
 * request asked for them. Nothing else ever reaches stdout: {@code System.out} is
 * pointed at stderr before anything else runs (SameDiff prints to stdout), and logs go to stderr. A line that
 * cannot be read gets a {@code failed} result naming what is wrong.
 *
 * <p>Arguments: {@code [--engine NAME] [--threads N]} (defaults {@code dl4j} and all cores).
 */
public final class WorkerMain {

    private static final Logger LOG = LogManager.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        ParentWatchdog.start();
        String engineName = Engines.DEFAULT;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--engine" -> engineName = value(args, ++i, "--engine");
                case "--threads" -> {
                    String t = value(args, ++i, "--threads");
                    try {
                        threads = Integer.parseInt(t);
                    } catch (NumberFormatException e) {
                        usage("--threads: '" + t + "' is not a number");
                    }
                }
                default -> usage("unknown argument '" + args[i] + "', expected --engine NAME or --threads N");
            }
        }
        Engine engine;
        try {
            engine = Engines.create(engineName, threads);
        } catch (IllegalArgumentException e) {
            usage(e.getMessage());
            return;
        }
        try (engine; BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            serve(in, protocol, engine);
        }
        System.exit(0);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(String message) {
        System.err.println("sublayer worker: error: " + message);
        System.exit(2);
    }

    /** Answers every request line of {@code in} on {@code out} until end of input. */
    public static void serve(BufferedReader in, PrintStream out, Engine engine) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String answer = WorkerProtocol.resultLine(handle(line, engine, out));
            synchronized (out) {
                out.println(answer);
                out.flush();
            }
        }
    }

    private static TrialResult handle(String line, Engine engine, PrintStream out) {
        WorkerProtocol.RequestLine r;
        try {
            r = WorkerProtocol.readRequestLine(line);
        } catch (IllegalArgumentException e) {
            LOG.warn("unreadable request: {}", e.getMessage());
            return new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(),
                    "unreadable request: " + e.getMessage(), Provenances.of(engine.name(), "unknown", "unknown"));
        }
        TrialRequest request = r.request();
        LOG.info("training {} with budget {}", request.architecture().canonical(), TrialJson.write(request.budget()));
        TrialListener listener = r.progress() ? progressLines(out) : TrialListener.NONE;
        TrialResult result = engine.train(request, listener, r.resumeFrom(), r.checkpointTo());
        LOG.info("{}: {} {}", request.architecture().canonical(), result.status().configName(), result.failure());
        return result;
    }

    /**
     * A listener that writes a progress line for the first step and then at most one per
     * {@link WorkerProtocol#PROGRESS_INTERVAL_MILLIS} ms: the parent hears of a trial's progress about once a second,
     * whatever the step rate.
     */
    static TrialListener progressLines(PrintStream out) {
        long interval = WorkerProtocol.PROGRESS_INTERVAL_MILLIS * 1_000_000L;
        long[] last = {System.nanoTime() - interval};
        return (step, maxSteps, tokens, loss) -> {
            long now = System.nanoTime();
            if (now - last[0] < interval) {
                return;
            }
            last[0] = now;
            String line = WorkerProtocol.progressLine(new TrialStep(step, maxSteps, tokens, loss));
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        };
    }
}
