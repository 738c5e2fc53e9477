package dev.sublayer.evaluator;

import dev.sublayer.trial.TrialResult;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds and trains one architecture and measures it. Its callers create it by name through
 * {@link Engines#create} and use nothing else of an engine: the worker JVM
 * ({@link dev.sublayer.evaluator.worker.WorkerMain}, which the search's worker pool starts), the search's
 * in-process executor, and {@code sublayer evaluate}. Storage and reports see only the
 * {@link TrialResult}s, so an engine for other hardware is added in this module alone.
 *
 * <p>An engine never throws for a bad candidate: every outcome, including out of memory and
 * divergence, is a {@link TrialResult} with its {@link dev.sublayer.trial.TrialStatus}. An engine
 * trains one trial at a time; parallel callers run one engine per worker (one per worker JVM, one per
 * in-process thread).
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
