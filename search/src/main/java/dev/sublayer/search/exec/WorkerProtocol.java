package dev.sublayer.search.exec;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.space.Constraints;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialResult;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The line protocol between the search and a worker JVM (CONTRACTS.md): one JSON object per line on the
 * worker's stdin, {@code {"request": ..., "resume_from": path|null, "checkpoint_to": path|null}}, and one line
 * back on its stdout, {@code {"result": <TrialResult JSON>}}.
 */
public final class WorkerProtocol {

    private WorkerProtocol() {
    }

    /** A decoded request line. */
    public record RequestLine(TrialRequest request, Optional<Path> resumeFrom, Optional<Path> checkpointTo) {
    }

    /** The request line for {@code task} (no line break). */
    public static String requestLine(TrialTask task) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.set("request", requestNode(task.request()));
        line.put("resume_from", task.resumeFrom().map(Path::toString).orElse(null));
        line.put("checkpoint_to", task.checkpointTo().map(Path::toString).orElse(null));
        return TrialJson.text(line);
    }

    /** Reads a request line. */
    public static RequestLine readRequestLine(String line) {
        JsonNode n = TrialJson.parse(line);
        return new RequestLine(request(n.get("request")), path(n.get("resume_from")), path(n.get("checkpoint_to")));
    }

    /** The answer line for {@code result}. */
    public static String resultLine(TrialResult result) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.set("result", TrialJson.toNode(result));
        return TrialJson.text(line);
    }

    /**
     * Reads an answer line.
     *
     * @throws IllegalArgumentException if it is not {@code {"result": ...}}
     */
    public static TrialResult readResultLine(String line) {
        JsonNode n = TrialJson.parse(line);
        JsonNode r = n.get("result");
        if (r == null || !r.isObject()) {
            throw new IllegalArgumentException("expected {\"result\": ...}");
        }
        return TrialJson.resultFromNode(r);
    }

    private static void putLimit(ObjectNode n, String key, long value) {
        if (value != Long.MAX_VALUE) {
            n.put(key, value);
        }
    }

    private static long limit(JsonNode n, String key) {
        return n == null || n.get(key) == null || n.get(key).isNull() ? Long.MAX_VALUE : n.get(key).longValue();
    }

    private static Optional<Path> path(JsonNode n) {
        return n == null || n.isNull() ? Optional.empty() : Optional.of(Path.of(n.stringValue()));
    }

    private static ObjectNode requestNode(TrialRequest r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("architecture", r.architecture().canonical());
        ObjectNode d = n.putObject("data");
        d.put("corpus", r.data().corpus());
        d.put("batch_size", r.data().batchSize());
        d.put("validation_batches", r.data().validationBatches());
        d.put("data_seed", r.data().dataSeed());
        ObjectNode t = n.putObject("training");
        TrainingConfig c = r.training();
        t.put("learning_rate", c.learningRate());
        t.put("min_learning_rate", c.minLearningRate());
        t.put("warmup_steps", c.warmupSteps());
        t.put("schedule_steps", c.scheduleSteps());
        t.put("beta1", c.beta1());
        t.put("beta2", c.beta2());
        t.put("epsilon", c.epsilon());
        t.put("weight_decay", c.weightDecay());
        t.put("grad_clip", c.gradClip());
        t.put("tied_head", c.tiedHead());
        t.put("init_std", c.initStd());
        t.put("log_every", c.logEvery());
        t.put("valid_every", c.validEvery());
        t.put("divergence_factor", c.divergenceFactor());
        n.set("budget", TrialJson.toNode(r.budget()));
        n.put("seed", r.seed());
        ObjectNode k = n.putObject("constraints");
        putLimit(k, "max_params", r.constraints().maxParams());
        putLimit(k, "max_flops_per_token", r.constraints().maxFlopsPerToken());
        putLimit(k, "max_memory_bytes", r.constraints().maxMemoryBytes());
        return n;
    }

    private static TrialRequest request(JsonNode n) {
        JsonNode d = n.get("data");
        JsonNode t = n.get("training");
        return new TrialRequest(Notation.parse(n.get("architecture").stringValue()),
                new DataConfig(d.get("corpus").stringValue(), d.get("batch_size").intValue(),
                        d.get("validation_batches").intValue(), d.get("data_seed").longValue()),
                new TrainingConfig(t.get("learning_rate").doubleValue(), t.get("min_learning_rate").doubleValue(),
                        t.get("warmup_steps").longValue(), t.get("schedule_steps").longValue(),
                        t.get("beta1").doubleValue(), t.get("beta2").doubleValue(), t.get("epsilon").doubleValue(),
                        t.get("weight_decay").doubleValue(), t.get("grad_clip").doubleValue(),
                        t.get("tied_head").booleanValue(), t.get("init_std").doubleValue(),
                        t.get("log_every").intValue(), t.get("valid_every").intValue(),
                        t.get("divergence_factor").doubleValue()),
                TrialJson.budgetFromNode(n.get("budget")), n.get("seed").longValue(),
                new Constraints(limit(n.get("constraints"), "max_params"),
                        limit(n.get("constraints"), "max_flops_per_token"),
                        limit(n.get("constraints"), "max_memory_bytes")));
    }
}
