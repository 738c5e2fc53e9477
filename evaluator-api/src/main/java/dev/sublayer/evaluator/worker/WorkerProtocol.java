package dev.sublayer.evaluator.worker;

import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialRequestJson;
import dev.sublayer.evaluator.TrialStep;
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
 * <pre>{"request": REQUEST, "resume_from": "/abs/path.ckpt" | null, "checkpoint_to": "/abs/path.ckpt" | null,
 *  "progress": true}</pre>
 * where {@code REQUEST} is the canonical encoding of the {@link TrialRequest} ({@link TrialRequestJson}, the same
 * text the trial key is derived from), {@code resume_from} a checkpoint of the same run at a smaller budget to
 * continue from, {@code checkpoint_to} where to write a checkpoint when the budget is reached, and the optional
 * {@code progress} (absent: {@code false}) whether the parent wants progress lines while the trial trains. For
 * each request the worker writes exactly one result line to its stdout:
 * <pre>{"result": RESULT}</pre>
 * where {@code RESULT} is the {@link TrialResult} in {@link TrialJson}'s form; before it, only when the request
 * asked for them, any number of progress lines, at most one per {@link #PROGRESS_INTERVAL_MILLIS} ms:
 * <pre>{"progress": {"step": 120, "max_steps": 400 | null, "tokens": 7680, "loss": 3.21 | null}}</pre>
 * ({@link TrialStep}; {@code max_steps} is {@code null} when only wall time caps the trial, {@code loss} when it
 * was not finite). A parent reads every line with {@link #readAnswerLine}. A parent that never asks for progress
 * (one written before progress lines existed) gets result lines only, as before. A request that cannot be read is
 * answered with a {@code failed} result naming what is wrong; blank lines are skipped. Nothing else is written to
 * stdout (the worker's logs go to stderr), requests are answered one at a time in order, and end of input ends
 * the worker. The engine is not part of a request: a worker is started for one engine.
 */
public final class WorkerProtocol {

    /** A worker writes at most one progress line per this many milliseconds for a trial. */
    public static final long PROGRESS_INTERVAL_MILLIS = 1000;

    private WorkerProtocol() {
    }

    /** A line a worker writes: a progress line or the result. */
    public sealed interface Answer permits Progress, Result {
    }

    /** A progress line: where the trial stands now. */
    public record Progress(TrialStep step) implements Answer {
        public Progress {
            Objects.requireNonNull(step, "step");
        }
    }

    /** The result line: the trial ended. */
    public record Result(TrialResult result) implements Answer {
        public Result {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * A decoded request line.
     *
     * @param request      what to train
     * @param resumeFrom   a checkpoint to continue from
     * @param checkpointTo where to write a checkpoint at the end
     * @param progress     whether the parent wants progress lines while the trial trains
     */
    public record RequestLine(TrialRequest request, Optional<Path> resumeFrom, Optional<Path> checkpointTo,
                              boolean progress) {
        public RequestLine {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(resumeFrom, "resumeFrom");
            Objects.requireNonNull(checkpointTo, "checkpointTo");
        }

        /** A request that asks for no progress lines. */
        public RequestLine(TrialRequest request, Optional<Path> resumeFrom, Optional<Path> checkpointTo) {
            this(request, resumeFrom, checkpointTo, false);
        }
    }

    /** The request line (without its line break) asking a worker to train {@code request}, without progress lines. */
    public static String requestLine(TrialRequest request, Optional<Path> resumeFrom, Optional<Path> checkpointTo) {
        return requestLine(request, resumeFrom, checkpointTo, false);
    }

    /**
     * The request line (without its line break) asking a worker to train {@code request}, with progress lines
     * before the result when {@code progress}.
     */
    public static String requestLine(TrialRequest request, Optional<Path> resumeFrom, Optional<Path> checkpointTo,
                                     boolean progress) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.set("request", TrialRequestJson.toNode(request));
        line.put("resume_from", resumeFrom.map(Path::toString).orElse(null));
        line.put("checkpoint_to", checkpointTo.map(Path::toString).orElse(null));
        if (progress) {
            line.put("progress", true);
        }
        return StrictJson.text(line);
    }

    /**
     * Reads a request line.
     *
     * @throws IllegalArgumentException naming the JSON path, the value and what is allowed
     */
    public static RequestLine readRequestLine(String line) {
        JsonNode n = StrictJson.parse(line);
        JsonNode progress = n.get("progress");
        if (progress != null && !progress.isBoolean()) {
            throw new IllegalArgumentException("/progress: expected true or false, got " + progress);
        }
        return new RequestLine(TrialRequestJson.fromNode(StrictJson.field(n, "", "request"), "/request"),
                Optional.ofNullable(StrictJson.nullableStringAt(n, "", "resume_from")).map(Path::of),
                Optional.ofNullable(StrictJson.nullableStringAt(n, "", "checkpoint_to")).map(Path::of),
                progress != null && progress.booleanValue());
    }

    /** The progress line (without its line break) for {@code step}. */
    public static String progressLine(TrialStep step) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("step", step.step());
        if (step.maxSteps() == Long.MAX_VALUE) {
            p.putNull("max_steps");
        } else {
            p.put("max_steps", step.maxSteps());
        }
        p.put("tokens", step.tokens());
        StrictJson.putFigure(p, "loss", Double.isFinite(step.loss()) ? step.loss() : Double.NaN);
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.set("progress", p);
        return StrictJson.text(line);
    }

    /**
     * Reads a line a worker wrote: a progress line or the result line.
     *
     * @throws IllegalArgumentException if it is neither {@code {"progress": ...}} nor {@code {"result": ...}} with
     *                                  readable content, naming the JSON path and the value
     */
    public static Answer readAnswerLine(String line) {
        JsonNode n = StrictJson.parse(line);
        JsonNode p = n.get("progress");
        if (p != null && n.get("result") == null) {
            StrictJson.object(p, "/progress");
            long step = StrictJson.longAt(p, "/progress", "step");
            long maxSteps = StrictJson.nullableLongAt(p, "/progress", "max_steps", Long.MAX_VALUE);
            long tokens = StrictJson.longAt(p, "/progress", "tokens");
            double loss = StrictJson.figureAt(p, "/progress", "loss");
            try {
                return new Progress(new TrialStep(step, maxSteps, tokens, loss));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("/progress: " + e.getMessage(), e);
            }
        }
        return new Result(readResultLine(line));
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
