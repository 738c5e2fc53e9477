package dev.sublayer.cli;

import static dev.sublayer.cli.ArchitectureOptions.requirePositive;

import dev.sublayer.space.Activation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Cost;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.Features;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.space.Sublayer;
import dev.sublayer.trial.StrictJson;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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
            description = "Print the parameter count, FLOPs, memory estimate and structural features of an architecture, "
                    + "and each sublayer's parameters and FLOPs.")
    static final class Describe implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NOTATION",
                description = "The architecture, e.g. \"A4 F512 F512! A4 F1024\": A<heads>, F<width>, D<width>x<layers> "
                        + "(deep FFN), P<heads>/<width> (parallel attention + FFN), M<experts>k<top_k>/<width> "
                        + "(mixture of experts); FFN kinds take :relu, :relu2, :swiglu or :geglu (default GELU); "
                        + "! = no residual. A header \"d128 n256 pre rms: ...\" overrides the options.")
        String notation;

        @Mixin
        ArchitectureOptions architecture;

        @Option(names = "--vocab", defaultValue = "256", description = "Vocabulary size (default: ${DEFAULT-VALUE}, bytes).")
        int vocab;

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
            requirePositive("--vocab", vocab);
            requirePositive("--batch", batch);
            Architecture a = architecture.parse(notation);
            ModelShape shape = new ModelShape(vocab, !untied);
            Map<String, Object> values = describe(a, shape, batch);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(StrictJson.prettyText(values));
            } else {
                Object sublayers = values.remove("sublayers");
                int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
                values.forEach((k, v) -> out.printf(Locale.ROOT, "%-" + width + "s  %s%n", k, format(v)));
                out.println("sublayers");
                for (Object row : (List<?>) sublayers) {
                    out.println("  " + sublayerLine((Map<?, ?>) row));
                }
            }
            return 0;
        }

        /** e.g. {@code 2  F1024  params 263,296  flops/token 524,288  equal params: F682:swiglu}. */
        private static String sublayerLine(Map<?, ?> row) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-3s %-16s params %s", row.get("index"),
                    row.get("token"), format(row.get("params"))));
            if (row.containsKey("params_active")) {
                b.append(" (active ").append(format(row.get("params_active"))).append(')');
            }
            b.append("  flops/token ").append(format(row.get("flops_forward_per_token")));
            if (row.containsKey("equal_params")) {
                b.append("  equal params: ").append(row.get("equal_params"));
            }
            return b.toString();
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
            v.put("norm_kind", a.normKind().configName());
            v.put("vocab", shape.vocabSize());
            v.put("tied_head", shape.tiedHead());
            v.put("params_total", c.totalParams());
            v.put("params_embedding", c.embeddingParams());
            v.put("params_non_embedding", c.nonEmbeddingParams());
            v.put("params_active", c.activeParams());
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
            v.put("sublayers", sublayers(a));
            return v;
        }

        /**
         * Per sublayer: its token, parameters (norm included), active parameters where they differ (MoE),
         * forward FLOPs per token, and for a plain FFN the SwiGLU width with about the same parameters (for a
         * gated one the GELU width), so widths compare at equal parameters.
         */
        static List<Map<String, Object>> sublayers(Architecture a) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < a.depth(); i++) {
                Sublayer s = a.sublayers().get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("index", i + 1);
                row.put("token", Notation.format(s));
                long params = CostModel.params(s, a.dModel(), a.normKind());
                long active = CostModel.activeParams(s, a.dModel(), a.normKind());
                row.put("params", params);
                if (active != params) {
                    row.put("params_active", active);
                }
                row.put("flops_forward_per_token", CostModel.forwardFlopsPerToken(s, a.dModel(), a.context()));
                if (s instanceof Sublayer.FeedForward f) {
                    Activation other = f.activation().gated() ? Activation.GELU : Activation.SWIGLU;
                    Sublayer match = new Sublayer.FeedForward(
                            CostModel.equalParamsWidth(f.width(), f.activation(), other, a.dModel()), other, f.residual());
                    row.put("equal_params", Notation.format(match));
                }
                rows.add(row);
            }
            return rows;
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
