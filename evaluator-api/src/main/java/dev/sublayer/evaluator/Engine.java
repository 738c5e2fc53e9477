package dev.sublayer.evaluator;

import dev.sublayer.trial.TrialResult;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds and trains one architecture and measures it. Search, storage and reports see only this
 * interface, so an engine for other hardware can be added without touching them.
 *
 * <p>An engine never throws for a bad candidate: every outcome, including out of memory and
 * divergence, is a {@link TrialResult} with its {@link dev.sublayer.trial.TrialStatus}. An engine
 * trains one trial at a time; callers that want parallelism run one engine per worker.
 */
public interface Engine extends AutoCloseable {

    /** The engine's name, e.g. {@code dl4j}. */
    String name();

    /**
     * Trains and evaluates one trial.
     *
     * @param request      what to train
     * @param listener     progress callback
     * @param resumeFrom   a checkpoint written by an earlier call with the same architecture, data, training
     *                     config and seed and a smaller budget; training continues to this request's (total)
     *                     budget and the result equals that of training straight through
     * @param checkpointTo where to write a checkpoint when training stops at the budget (COMPLETED only)
     * @return the outcome; never null
     */
    TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom, Optional<Path> checkpointTo);

    /** Releases what the engine holds; the default does nothing. */
    @Override
    default void close() {
    }
}
