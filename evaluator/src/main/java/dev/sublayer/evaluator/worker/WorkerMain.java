package dev.sublayer.evaluator.worker;

import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.Provenances;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialRequestJson;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A long-lived worker JVM that trains trials for a parent process.
 *
 * <p>Protocol: one JSON object per line on stdin,
 * {@code {"request": <TrialRequest JSON>, "resume_from": "path"|null, "checkpoint_to": "path"|null}};
 * for each, exactly one line on stdout, {@code {"result": <TrialResult JSON>}}. Nothing else ever reaches
 * stdout: {@code System.out} is pointed at stderr before anything else runs (SameDiff prints to stdout),
 * and logs go to stderr. A line that cannot be read gets a {@code failed} result naming what is wrong.
 * End of input ends the worker with exit code 0.
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
            TrialResult result = handle(line, engine);
            ObjectNode answer = TrialJson.mapper().createObjectNode();
            answer.set("result", TrialJson.toNode(result));
            out.println(TrialJson.text(answer));
            out.flush();
        }
    }

    private static TrialResult handle(String line, Engine engine) {
        TrialRequest request;
        Optional<Path> resume;
        Optional<Path> checkpoint;
        try {
            JsonNode node = TrialJson.parse(line);
            request = TrialRequestJson.fromNode(TrialJson.field(node, "", "request"), "/request");
            resume = Optional.ofNullable(TrialJson.nullableStringAt(node, "", "resume_from")).map(Path::of);
            checkpoint = Optional.ofNullable(TrialJson.nullableStringAt(node, "", "checkpoint_to")).map(Path::of);
        } catch (IllegalArgumentException e) {
            LOG.warn("unreadable request: {}", e.getMessage());
            return new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(),
                    "unreadable request: " + e.getMessage(), Provenances.of(engine.name(), "unknown", "unknown"));
        }
        LOG.info("training {} ({})", request.architecture().canonical(), request.budget());
        TrialResult result = engine.train(request, TrialListener.NONE, resume, checkpoint);
        LOG.info("{}: {} {}", request.architecture().canonical(), result.status().configName(), result.failure());
        return result;
    }
}
