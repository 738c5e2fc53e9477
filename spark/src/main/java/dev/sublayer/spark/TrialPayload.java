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
     */
    record Answer(String resultLine, byte[] checkpoint) implements Serializable {
        Answer {
            Objects.requireNonNull(resultLine, "resultLine");
        }
    }
}
