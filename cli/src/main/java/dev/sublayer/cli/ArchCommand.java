package dev.sublayer.cli;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.Cost;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.Features;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.json.JsonMapper;

/** {@code sublayer arch}: work with single architectures. */
@Command(name = "arch", description = "Describe single architectures.", mixinStandardHelpOptions = true,
        subcommands = ArchCommand.Describe.class)
final class ArchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code sublayer arch describe}: cost and structural features of one architecture. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Print the parameter count, FLOPs, memory estimate and structural features of an architecture.")
    static final class Describe implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NOTATION",
                description = "The architecture, e.g. \"A4 F512 F512! A4 F1024\" (A<heads>, F<width>[:act], ! = no residual); "
                        + "a header \"d128 n256 pre: ...\" overrides the options.")
        String notation;

        @Option(names = "--d-model", defaultValue = "128", description = "Residual-stream width (default: ${DEFAULT-VALUE}).")
        int dModel;

        @Option(names = "--context", defaultValue = "128", description = "Context length (default: ${DEFAULT-VALUE}).")
        int context;

        @Option(names = "--vocab", defaultValue = "256", description = "Vocabulary size (default: ${DEFAULT-VALUE}, bytes).")
        int vocab;

        @Option(names = "--norm", defaultValue = "pre", description = "Norm placement: pre or post (default: ${DEFAULT-VALUE}).")
        String norm;

        @Option(names = "--untied", description = "Count an output head separate from the token embedding.")
        boolean untied;

        @Option(names = "--batch", defaultValue = "32", description = "Batch size for the memory estimate (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            requirePositive("--d-model", dModel);
            requirePositive("--context", context);
            requirePositive("--vocab", vocab);
            requirePositive("--batch", batch);
            NormPlacement placement;
            try {
                placement = NormPlacement.fromConfigName(norm);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--norm: " + e.getMessage());
            }
            Architecture a = Notation.parse(notation, dModel, context, placement);
            ModelShape shape = new ModelShape(vocab, !untied);
            Map<String, Object> values = describe(a, shape, batch);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(values));
            } else {
                int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
                values.forEach((k, v) -> out.printf(Locale.ROOT, "%-" + width + "s  %s%n", k, format(v)));
            }
            return 0;
        }

        private static void requirePositive(String option, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(option + " must be >= 1, got " + value);
            }
        }

        static Map<String, Object> describe(Architecture a, ModelShape shape, int batch) {
            Cost c = CostModel.of(a, shape);
            Features f = Features.of(a);
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("architecture", a.notation());
            v.put("canonical", a.canonical());
            v.put("id", a.id());
            v.put("depth", a.depth());
            v.put("d_model", a.dModel());
            v.put("context", a.context());
            v.put("norm", a.norm().configName());
            v.put("vocab", shape.vocabSize());
            v.put("tied_head", shape.tiedHead());
            v.put("params_total", c.totalParams());
            v.put("params_embedding", c.embeddingParams());
            v.put("params_non_embedding", c.nonEmbeddingParams());
            v.put("flops_forward_per_token", c.forwardFlopsPerToken());
            v.put("flops_forward_per_sequence", c.forwardFlopsPerSequence());
            v.put("flops_training_per_token", c.trainingFlopsPerToken());
            v.put("memory_training_estimate_bytes", CostModel.estimateTrainingBytes(a, shape, batch));
            v.put("batch", batch);
            v.put("attention_count", f.attentionCount());
            v.put("ffn_count", f.ffnCount());
            v.put("ffn_param_share", round(f.ffnParamShare()));
            v.put("longest_ffn_run", f.longestFfnRun());
            v.put("attention_centre_of_mass", Double.isNaN(f.attentionCentreOfMass()) ? null : round(f.attentionCentreOfMass()));
            v.put("residual_count", f.residualCount());
            return v;
        }

        private static double round(double x) {
            return Math.round(x * 10_000) / 10_000.0;
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
    }
}
