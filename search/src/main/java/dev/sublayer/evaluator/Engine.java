package dev.sublayer.evaluator;

import dev.sublayer.trial.TrialResult;
import java.nio.file.Path;
import java.util.Optional;

/** TEMPORARY stand-in for the evaluator's contract type (CONTRACTS.md); deleted when the evaluator lands. */
public interface Engine extends AutoCloseable {
    String name();

    TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom, Optional<Path> checkpointTo);

    @Override
    void close();
}
