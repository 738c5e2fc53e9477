package dev.sublayer.search.exec;

import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.evaluator.worker.ParentWatchdog;
import dev.sublayer.evaluator.worker.WorkerProtocol;
import dev.sublayer.search.StubEngine;
import dev.sublayer.space.Sublayer;
import dev.sublayer.trial.TrialResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker JVM for tests: speaks {@link WorkerProtocol} like the evaluator's worker, trains with
 * {@link StubEngine}, and misbehaves on purpose for architectures with certain FFN widths: 13 crashes the JVM,
 * 17 hangs, 19 runs out of heap, 23 writes a stray line to stdout before its answer. Where the environment names a
 * file in {@value #REPORT}, it appends one line per trial there: its process id, the {@code CUDA_VISIBLE_DEVICES}
 * it was given, and the trial's start and end in epoch milliseconds.
 */
public final class StubWorkerMain {

    /** The environment variable naming the file the worker reports its environment and trial times to. */
    public static final String REPORT = "SUBLAYER_STUB_REPORT";

    /** The environment variable with the milliseconds per step, where no argument gives them. */
    public static final String MILLIS_PER_STEP = "SUBLAYER_STUB_MILLIS_PER_STEP";

    private StubWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatchdog.start();
        // Milliseconds per step as the first argument, else from the environment (a worker started with the real
        // worker's "--engine NAME --threads N", e.g. on a Spark executor), else 0.
        String fromEnv = System.getenv(MILLIS_PER_STEP);
        double millisPerStep = args.length > 0 && !args[0].startsWith("--") ? Double.parseDouble(args[0])
                : fromEnv != null ? Double.parseDouble(fromEnv) : 0;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // stdout is for results only
        StubEngine engine = new StubEngine(millisPerStep, new StubEngine.Counters());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            WorkerProtocol.RequestLine r = WorkerProtocol.readRequestLine(line);
            List<Integer> widths = new ArrayList<>();
            for (Sublayer s : r.request().architecture().sublayers()) {
                if (s instanceof Sublayer.FeedForward f) {
                    widths.add(f.width());
                }
            }
            System.err.println("stub worker: training " + r.request().architecture().notation());
            if (widths.contains(13)) {
                System.err.println("stub worker: crashing on purpose");
                Runtime.getRuntime().halt(7);
            }
            if (widths.contains(17)) {
                Thread.sleep(Long.MAX_VALUE);
            }
            if (widths.contains(19)) {
                List<long[]> hog = new ArrayList<>();
                while (true) {
                    hog.add(new long[1 << 20]);
                }
            }
            if (widths.contains(23)) {
                out.println("a stray line that is not a result");
            }
            long start = System.currentTimeMillis();
            // Every step the engine reports goes out as a progress line (the real worker sends at most one a second).
            TrialListener steps = !r.progress() ? TrialListener.NONE : (step, max, tokens, loss) ->
                    out.println(WorkerProtocol.progressLine(new TrialStep(step, max, tokens, loss)));
            TrialResult result = engine.train(r.request(), steps, r.resumeFrom(), r.checkpointTo());
            String report = System.getenv(REPORT);
            if (report != null) {
                String entry = ProcessHandle.current().pid() + " " + System.getenv("CUDA_VISIBLE_DEVICES") + " "
                        + start + " " + System.currentTimeMillis() + "\n";
                Files.writeString(Path.of(report), entry, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.println(WorkerProtocol.resultLine(result));
        }
    }
}
