package dev.sublayer.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * What one Spark task carries to its executor: the trial's {@link dev.sublayer.evaluator.worker.WorkerProtocol}
 * request line and, where the cluster has no filesystem shared with the driver, the checkpoint the trial continues
 * from (its bytes) and whether the checkpoint it writes must come back.
 *
 * @param requestLine      the request line; its checkpoint paths are the driver's
 * @param checkpoint       the bytes of the checkpoint to continue from, or {@code null} (none, or on a shared path)
 * @param returnCheckpoint whether the executor sends back the checkpoint the trial writes
 */
record TrialPayload(String requestLine, byte[] checkpoint, boolean returnCheckpoint) implements Serializable {

    TrialPayload {
        Objects.requireNonNull(requestLine, "requestLine");
    }

    /**
     * What a task brings back: the result line, and the checkpoint's bytes where they travel.
     *
     * @param resultLine the result line
     * @param checkpoint the bytes of the checkpoint the trial wrote, or {@code null}
     * @param where      the executor it ran on ({@code spark executor ID on HOST}): the driver's listener hears of a
     *                   task's start asynchronously, possibly after its end, so the answer says it too
     */
    record Answer(String resultLine, byte[] checkpoint, String where) implements Serializable {
        Answer {
            Objects.requireNonNull(resultLine, "resultLine");
            Objects.requireNonNull(where, "where");
        }
    }
}
