package dev.sublayer.search.exec;

import dev.sublayer.evaluator.TrialRequest;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One training run to execute.
 *
 * @param key            the trial key (for logs and worker names)
 * @param request        what to train
 * @param resumeFrom     a checkpoint of the same trial at a smaller budget to continue from
 * @param checkpointTo   where to write a checkpoint at the end, for a later promotion
 * @param timeoutSeconds wall-clock limit of the whole run; past it a worker is killed and the trial fails
 */
public record TrialTask(String key, TrialRequest request, Optional<Path> resumeFrom, Optional<Path> checkpointTo,
                        double timeoutSeconds) {

    public TrialTask {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(resumeFrom, "resumeFrom");
        Objects.requireNonNull(checkpointTo, "checkpointTo");
        if (!(timeoutSeconds > 0)) {
            throw new IllegalArgumentException("timeout must be > 0 s, got " + timeoutSeconds);
        }
    }
}
