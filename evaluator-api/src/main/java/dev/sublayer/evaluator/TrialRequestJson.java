package dev.sublayer.evaluator;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.Constraints;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The canonical encoding of a {@link TrialRequest}: the one text from which the worker's request line, the trial
 * key and the checkpoint fingerprint are derived ({@link TrialIdentity}), and which both ends of the worker
 * protocol read and write.
 *
 * <p>The encoding is single-line JSON with
 * <ul>
 *   <li>explicit snake_case field names, in this fixed order: {@code architecture} (canonical notation,
 *       dimensions included), {@code seed}, {@code data} ({@code corpus, batch_size, validation_batches,
 *       data_seed}), {@code training} (every field of {@link TrainingConfig} in declaration order, from
 *       {@code learning_rate} to {@code moe_aux_weight}), {@code budget} ({@link TrialJson}'s form:
 *       {@code max_steps, max_tokens, max_seconds, max_training_flops}, an unset cap {@code null}) and
 *       {@code constraints} ({@code max_params, max_flops_per_token, max_memory_bytes}, an unset limit
 *       {@code null});</li>
 *   <li>every field written out, defaults included: nothing is left for a reader to assume;</li>
 *   <li>integers written in full, doubles in their shortest form that reads back to the same value
 *       ({@link Double#toString(double)}), so the round trip is exact.</li>
 * </ul>
 * Nothing here or in what is derived from it goes through a {@code toString()}: a field added to a config changes
 * the text only where this class writes it. Such a change changes every trial key, and golden tests pin the text
 * and the keys of a few requests (see {@link TrialIdentity}).
 *
 * <pre>{"architecture":"d128 n128 pre: A4 F512","seed":1,
 *  "data":{"corpus":"europarl","batch_size":32,"validation_batches":8,"data_seed":0},
 *  "training":{"learning_rate":0.001, ...,"divergence_factor":2.0,"moe_aux_weight":0.01},
 *  "budget":{"max_steps":200,"max_tokens":null,"max_seconds":null,"max_training_flops":null},
 *  "constraints":{"max_params":null,"max_flops_per_token":null,"max_memory_bytes":null}}</pre>
 *
 * <p>Reading is strict and names the JSON path of what is wrong; the one leniency is a missing
 * {@code moe_aux_weight}, read as {@link TrainingConfig#DEFAULT_MOE_AUX_WEIGHT}, for requests written before it
 * existed.
 */
public final class TrialRequestJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TrialRequestJson() {
    }

    /** The canonical text of {@code request}: single-line JSON, what the worker protocol carries. */
    public static String write(TrialRequest request) {
        return StrictJson.text(toNode(request));
    }

    /**
     * The canonical text of {@code request} without its constraints: what the trial key hashes (constraints
     * decide whether a trial runs, not what it produces; see {@link TrialIdentity}).
     */
    public static String keyText(TrialRequest request) {
        ObjectNode n = toNode(request);
        n.remove("constraints");
        return StrictJson.text(n);
    }

    /**
     * The canonical text of {@code request} without its budget and constraints: the training run a checkpoint
     * belongs to, whatever budget it is continued to.
     */
    public static String runText(TrialRequest request) {
        ObjectNode n = toNode(request);
        n.remove("budget");
        n.remove("constraints");
        return StrictJson.text(n);
    }

    /** Parses a request written by {@link #write}. */
    public static TrialRequest read(String json) {
        return fromNode(StrictJson.parse(json), "");
    }

    /** The JSON tree of {@code r}, fields in the canonical order. */
    public static ObjectNode toNode(TrialRequest r) {
        ObjectNode n = NODES.objectNode();
        n.put("architecture", r.architecture().canonical());
        n.put("seed", r.seed());
        ObjectNode d = n.putObject("data");
        d.put("corpus", r.data().corpus());
        d.put("batch_size", r.data().batchSize());
        d.put("validation_batches", r.data().validationBatches());
        d.put("data_seed", r.data().dataSeed());
        TrainingConfig t = r.training();
        ObjectNode tn = n.putObject("training");
        tn.put("learning_rate", t.learningRate());
        tn.put("min_learning_rate", t.minLearningRate());
        tn.put("warmup_steps", t.warmupSteps());
        tn.put("schedule_steps", t.scheduleSteps());
        tn.put("beta1", t.beta1());
        tn.put("beta2", t.beta2());
        tn.put("epsilon", t.epsilon());
        tn.put("weight_decay", t.weightDecay());
        tn.put("grad_clip", t.gradClip());
        tn.put("tied_head", t.tiedHead());
        tn.put("init_std", t.initStd());
        tn.put("log_every", t.logEvery());
        tn.put("valid_every", t.validEvery());
        tn.put("divergence_factor", t.divergenceFactor());
        tn.put("moe_aux_weight", t.moeAuxWeight());
        n.set("budget", TrialJson.toNode(r.budget()));
        ObjectNode c = n.putObject("constraints");
        putLimit(c, "max_params", r.constraints().maxParams());
        putLimit(c, "max_flops_per_token", r.constraints().maxFlopsPerToken());
        putLimit(c, "max_memory_bytes", r.constraints().maxMemoryBytes());
        return n;
    }

    /**
     * The request in {@code node}; {@code path} is the JSON path of {@code node} for error messages.
     *
     * @throws IllegalArgumentException naming the path, the value and what is allowed
     */
    public static TrialRequest fromNode(JsonNode node, String path) {
        String notation = StrictJson.stringAt(node, path, "architecture");
        Architecture architecture;
        try {
            architecture = Notation.parse(notation);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + "/architecture: " + e.getMessage(), e);
        }
        JsonNode d = StrictJson.field(node, path, "data");
        String dp = path + "/data";
        JsonNode t = StrictJson.field(node, path, "training");
        String tp = path + "/training";
        JsonNode c = StrictJson.field(node, path, "constraints");
        String cp = path + "/constraints";
        try {
            DataConfig data = new DataConfig(StrictJson.stringAt(d, dp, "corpus"),
                    StrictJson.intAt(d, dp, "batch_size"), StrictJson.intAt(d, dp, "validation_batches"),
                    StrictJson.longAt(d, dp, "data_seed"));
            TrainingConfig training = new TrainingConfig(
                    StrictJson.figureAt(t, tp, "learning_rate"), StrictJson.figureAt(t, tp, "min_learning_rate"),
                    StrictJson.longAt(t, tp, "warmup_steps"), StrictJson.longAt(t, tp, "schedule_steps"),
                    StrictJson.figureAt(t, tp, "beta1"), StrictJson.figureAt(t, tp, "beta2"),
                    StrictJson.figureAt(t, tp, "epsilon"), StrictJson.figureAt(t, tp, "weight_decay"),
                    StrictJson.figureAt(t, tp, "grad_clip"), StrictJson.booleanAt(t, tp, "tied_head"),
                    StrictJson.figureAt(t, tp, "init_std"), StrictJson.intAt(t, tp, "log_every"),
                    StrictJson.intAt(t, tp, "valid_every"),
                    StrictJson.figureAt(t, tp, "divergence_factor"),
                    // absent in requests written before MoE sublayers existed
                    t.has("moe_aux_weight") ? StrictJson.figureAt(t, tp, "moe_aux_weight")
                            : TrainingConfig.DEFAULT_MOE_AUX_WEIGHT);
            Constraints constraints = new Constraints(StrictJson.nullableLongAt(c, cp, "max_params", Long.MAX_VALUE),
                    StrictJson.nullableLongAt(c, cp, "max_flops_per_token", Long.MAX_VALUE),
                    StrictJson.nullableLongAt(c, cp, "max_memory_bytes", Long.MAX_VALUE));
            return new TrialRequest(architecture, data, training,
                    TrialJson.budgetFromNode(StrictJson.field(node, path, "budget"), path + "/budget"),
                    StrictJson.longAt(node, path, "seed"), constraints);
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith("/") ? e
                    : new IllegalArgumentException((path.isEmpty() ? "request" : path) + ": " + e.getMessage(), e);
        }
    }

    private static void putLimit(ObjectNode node, String key, long value) {
        if (value == Long.MAX_VALUE) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
