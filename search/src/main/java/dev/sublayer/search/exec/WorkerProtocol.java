package dev.sublayer.search.exec;

import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialRequestJson;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialResult;
import java.nio.file.Path;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The line protocol between the search and a worker JVM ({@code dev.sublayer.evaluator.worker.WorkerMain},
 * CONTRACTS.md): one JSON object per line on the worker's stdin,
 * {@code {"request": <TrialRequest JSON>, "resume_from": path|null, "checkpoint_to": path|null}}, and one line
 * back on its stdout, {@code {"result": <TrialResult JSON>}}. Requests use the evaluator's
 * {@link TrialRequestJson}, results {@link TrialJson}.
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
        line.set("request", TrialRequestJson.toNode(task.request()));
        line.put("resume_from", task.resumeFrom().map(Path::toString).orElse(null));
        line.put("checkpoint_to", task.checkpointTo().map(Path::toString).orElse(null));
        return TrialJson.text(line);
    }

    /** Reads a request line (what a worker does). */
    public static RequestLine readRequestLine(String line) {
        JsonNode n = TrialJson.parse(line);
        return new RequestLine(TrialRequestJson.fromNode(TrialJson.field(n, "", "request"), "/request"),
                Optional.ofNullable(TrialJson.nullableStringAt(n, "", "resume_from")).map(Path::of),
                Optional.ofNullable(TrialJson.nullableStringAt(n, "", "checkpoint_to")).map(Path::of));
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
}
