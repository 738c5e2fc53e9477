package dev.sublayer.cli;

import static dev.sublayer.cli.ArchitectureOptions.requirePositive;

import dev.sublayer.evaluator.CorpusCheck;
import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrainingMemory;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.data.Task;
import dev.sublayer.evaluator.data.Tasks;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialMetrics;
import tools.jackson.databind.JsonNode;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sublayer evaluate}: trains one candidate for real and prints its metrics. Progress goes to
 * stderr (an updating line on a terminal, a line per tenth of the run otherwise); metrics to stdout.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Train one architecture under a budget and print its validation loss, cost and timing.")
final class EvaluateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NOTATION",
            description = "The architecture, e.g. \"A4 F512 A4 F512\" or \"A4 M8k2/128 P4/512:swiglu D256x2\" (see arch "
                    + "describe --help); a header \"d128 n128 pre rms: ...\" overrides the options.")
    String notation;

    @Option(names = "--corpus", defaultValue = DataConfig.DEFAULT_CORPUS,
            description = "europarl, file:/path/to/text, mqar, facts or facts:<count> (default: ${DEFAULT-VALUE}).")
    String corpus;

    @Mixin
    ArchitectureOptions architectureOptions;

    @Option(names = "--moe-aux-weight", defaultValue = "0.01",
            description = "Weight of the mixture-of-experts load-balancing loss in training (default: ${DEFAULT-VALUE}).")
    double moeAuxWeight;

    @Option(names = "--batch", defaultValue = "32", description = "Sequences per step (default: ${DEFAULT-VALUE}).")
    int batch;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    BudgetOptions budget;

    static final class BudgetOptions {
        @Option(names = "--steps", description = "Train this many optimizer steps (default: 200).")
        Long steps;

        @Option(names = "--tokens", description = "Train on this many tokens.")
        Long tokens;

        @Option(names = "--seconds", description = "Train for this many wall-clock seconds.")
        Double seconds;
    }

    @Option(names = "--seed", defaultValue = "1", description = "Trial seed: initial weights and batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-seed", defaultValue = "0", description = "Seed of the validation batches and probe tables (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--untied", description = "Use an output head separate from the token embedding.")
    boolean untied;

    @Option(names = "--threads", description = "CPU threads for the math (default: all cores).")
    Integer threads;

    @Option(names = "--engine", defaultValue = Engines.DEFAULT,
            description = "Training engine: dl4j (DL4J: ND4J arrays and BLAS) or djl (PyTorch natives through DJL) (default: ${DEFAULT-VALUE}).")
    String engineName;

    @Option(names = "--json", description = "Print the result as JSON instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        requirePositive("--batch", batch);
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        requirePositive("--threads", threadCount);
        if (!Engines.names().contains(engineName)) {
            throw new IllegalArgumentException("--engine: unknown engine '" + engineName + "', expected one of "
                    + String.join(", ", Engines.names()));
        }
        if (!(moeAuxWeight >= 0) || Double.isInfinite(moeAuxWeight)) {
            throw new IllegalArgumentException("--moe-aux-weight must be a finite number >= 0, got " + moeAuxWeight);
        }
        Architecture architecture = architectureOptions.parse(notation);
        Budget caps = budget();
        DataConfig data = DataConfig.defaults().withCorpus(corpus).withBatchSize(batch).withDataSeed(dataSeed);
        // A bad corpus, or a model whose training would not fit this process's memory, is bad input: exit 2
        // before anything is built.
        CorpusCheck.require(corpus, architecture.context());
        Task task = Tasks.of(data);
        task.validationBatches(1, architecture.context(), 1, dataSeed);
        TrainingConfig training = TrainingConfig.defaults().withTiedHead(!untied).withMoeAuxWeight(moeAuxWeight);
        TrialRequest request = new TrialRequest(architecture, data, training, caps, seed);
        TrainingMemory.excess(request, training.shape(task.vocabSize())).ifPresent(why -> {
            throw new IllegalArgumentException(why + "; use a smaller --batch, --context or model");
        });

        PrintWriter err = spec.commandLine().getErr();
        err.printf(Locale.ROOT, "evaluating %s on %s, batch %d, %s, seed %d, engine %s%n", architecture.canonical(),
                task.name(), batch, describe(caps), seed, engineName);
        TrialResult result;
        try (Engine engine = Engines.create(engineName, threadCount)) {
            result = engine.train(request, new Progress(err), Optional.empty(), Optional.empty());
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> values = values(architecture, task, training.shape(task.vocabSize()), result);
        if (json) {
            out.println(StrictJson.prettyText(values));
        } else {
            values.remove("curve");
            int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
            values.forEach((k, v) -> out.printf(Locale.ROOT, "%-" + width + "s  %s%n", k, format(v)));
        }
        out.flush();
        if (result.status() != TrialStatus.COMPLETED) {
            err.println("sublayer: error: trial " + result.status().configName() + ": " + result.failure());
            return Main.EXIT_FAILURE;
        }
        return 0;
    }

    private Budget budget() {
        if (budget == null || budget.steps != null) {
            long steps = budget == null ? 200 : budget.steps;
            requirePositive("--steps", steps);
            return Budget.steps(steps);
        }
        if (budget.tokens != null) {
            requirePositive("--tokens", budget.tokens);
            return Budget.tokens(budget.tokens);
        }
        if (!(budget.seconds > 0) || budget.seconds.isInfinite()) {
            throw new IllegalArgumentException("--seconds must be > 0, got " + budget.seconds);
        }
        return Budget.seconds(budget.seconds);
    }

    private static String describe(Budget b) {
        if (b.maxSteps() != Long.MAX_VALUE) {
            return b.maxSteps() + " steps";
        }
        if (b.maxTokens() != Long.MAX_VALUE) {
            return b.maxTokens() + " tokens";
        }
        return b.maxSeconds() + " s";
    }

    /**
     * What {@code evaluate} prints, under the names every Sublayer output uses: the metrics under their
     * {@link TrialJson} names (as the store, {@code export} and {@code front.json} name them), the active
     * parameters ({@code active_params}, for mixture-of-experts: router and top-k experts) and the objective
     * measures no metric holds ({@link ObjectiveKind}: {@code wall_seconds}, {@code peak_memory_bytes}).
     */
    static Map<String, Object> values(Architecture a, Task task, ModelShape shape, TrialResult r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("status", r.status().configName());
        if (!r.failure().isEmpty()) {
            v.put("failure", r.failure());
        }
        v.put("architecture", a.canonical());
        v.put("corpus", task.name());
        for (Map.Entry<String, JsonNode> e : TrialJson.toNode(r.metrics()).properties()) {
            v.put(e.getKey(), value(e.getValue()));
            if (e.getKey().equals(ObjectiveKind.NON_EMBEDDING_PARAMS.configName())) {
                v.put("active_params", CostModel.of(a, shape).activeParams());
            }
        }
        for (ObjectiveKind k : ObjectiveKind.values()) {
            if (!v.containsKey(k.configName())) {
                double measured = k.measure(r, a, shape);
                v.put(k.configName(), k == ObjectiveKind.PEAK_MEMORY_BYTES
                        ? (Double.isFinite(measured) ? Long.valueOf(Math.round(measured)) : null) : figure(measured));
            }
        }
        v.put("engine", r.provenance().engine());
        v.put("backend", r.provenance().backend());
        v.put("device", r.provenance().device());
        List<Map<String, Object>> curve = new ArrayList<>();
        for (CurvePoint p : r.curve()) {
            Map<String, Object> point = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : TrialJson.toNode(p).properties()) {
                point.put(e.getKey(), value(e.getValue()));
            }
            curve.add(point);
        }
        v.put("curve", curve);
        return v;
    }

    /** A JSON value as printed: integers as they are, other numbers as {@link #figure}, infinities as null. */
    private static Object value(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return figure(n.doubleValue());
        }
        return null;
    }

    /** Finite figures rounded to 6 significant digits; NaN and infinities as null. */
    private static Double figure(double x) {
        if (!Double.isFinite(x)) {
            return null;
        }
        return Double.valueOf(String.format(Locale.ROOT, "%.6g", x));
    }

    private static String format(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Long l) {
            return String.format(Locale.ROOT, "%,d", l);
        }
        return String.valueOf(v);
    }

    /**
     * Progress on stderr: one updating line on an interactive terminal, else a line per tenth of the run
     * (never carriage returns into logs).
     */
    private static final class Progress implements TrialListener {
        private final PrintWriter err;
        private final boolean terminal = System.console() != null && System.getenv("CI") == null;
        private final long start = System.nanoTime();
        private long lastLine = -1;

        Progress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void stepDone(long step, long maxSteps, long tokens, double loss) {
            double seconds = (System.nanoTime() - start) / 1e9;
            String text = String.format(Locale.ROOT, "step %d%s  loss %.4f  %.0f tokens/s", step,
                    maxSteps == Long.MAX_VALUE ? "" : "/" + maxSteps, loss, tokens / Math.max(seconds, 1e-9));
            if (terminal) {
                err.print("\r" + text + "   ");
                if (step == maxSteps) {
                    err.println();
                }
                err.flush();
                return;
            }
            long tenth = maxSteps == Long.MAX_VALUE ? step / 50 : step * 10 / maxSteps;
            if (tenth != lastLine) {
                lastLine = tenth;
                err.println(text);
            }
        }
    }
}
