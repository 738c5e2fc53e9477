package dev.sublayer.evaluator.worker;

import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialRequestJson;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialJson;
import dev.sublayer.trial.TrialResult;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The line protocol between a parent process (the search's worker pool) and a worker JVM (the evaluator's
 * {@code dev.sublayer.evaluator.worker.WorkerMain}), written once and used by both ends.
 *
 * <p>The parent writes one request per line to the worker's stdin, UTF-8, ending in {@code \n}:
 * <pre>{"request": REQUEST, "resume_from": "/abs/path.ckpt" | null, "checkpoint_to": "/abs/path.ckpt" | null}</pre>
 * where {@code REQUEST} is the canonical encoding of the {@link TrialRequest} ({@link TrialRequestJson}, the same
 * text the trial key is derived from), {@code resume_from} a checkpoint of the same run at a smaller budget to
 * continue from, and {@code checkpoint_to} where to write a checkpoint when the budget is reached. For each
 * request the worker writes exactly one line to its stdout:
 * <pre>{"result": RESULT}</pre>
 * where {@code RESULT} is the {@link TrialResult} in {@link TrialJson}'s form. A request that cannot be read is
 * answered with a {@code failed} result naming what is wrong; blank lines are skipped. Nothing else is written to
 * stdout (the worker's logs go to stderr), requests are answered one at a time in order, and end of input ends
 * the worker. The engine is not part of a request: a worker is started for one engine.
 */
public final class WorkerProtocol {

    private WorkerProtocol() {
    }

    /**
     * A decoded request line.
     *
     * @param request      what to train
     * @param resumeFrom   a checkpoint to continue from
     * @param checkpointTo where to write a checkpoint at the end
     */
    public record RequestLine(TrialRequest request, Optional<Path> resumeFrom, Optional<Path> checkpointTo) {
        public RequestLine {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(resumeFrom, "resumeFrom");
            Objects.requireNonNull(checkpointTo, "checkpointTo");
        }
    }

    /** The request line (without its line break) asking a worker to train {@code request}. */
    public static String requestLine(TrialRequest request, Optional<Path> resumeFrom, Optional<Path> checkpointTo) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.set("request", TrialRequestJson.toNode(request));
        line.put("resume_from", resumeFrom.map(Path::toString).orElse(null));
        line.put("checkpoint_to", checkpointTo.map(Path::toString).orElse(null));
        return StrictJson.text(line);
    }

    /**
     * Reads a request line.
     *
     * @throws IllegalArgumentException naming the JSON path, the value and what is allowed
     */
    public static RequestLine readRequestLine(String line) {
        JsonNode n = StrictJson.parse(line);
        return new RequestLine(TrialRequestJson.fromNode(StrictJson.field(n, "", "request"), "/request"),
                Optional.ofNullable(StrictJson.nullableStringAt(n, "", "resume_from")).map(Path::of),
                Optional.ofNullable(StrictJson.nullableStringAt(n, "", "checkpoint_to")).map(Path::of));
    }

    /** The answer line (without its line break) for {@code result}. */
    public static String resultLine(TrialResult result) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.set("result", TrialJson.toNode(result));
        return StrictJson.text(line);
    }

    /**
     * Reads an answer line.
     *
     * @throws IllegalArgumentException if it is not {@code {"result": ...}} with a readable result
     */
    public static TrialResult readResultLine(String line) {
        JsonNode n = StrictJson.parse(line);
        JsonNode r = n.get("result");
        if (r == null || !r.isObject()) {
            throw new IllegalArgumentException("expected {\"result\": ...}");
        }
        return TrialJson.resultFromNode(r, "/result");
    }
}
