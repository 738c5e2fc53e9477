package dev.sublayer.search.exec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start one worker process of a {@link WorkerPoolExecutor}: an immutable value.
 * {@link WorkerPoolExecutor#javaWorker} gives the spec of a worker JVM on this JVM's classpath.
 *
 * @param command     the command line
 * @param environment variables added to the inherited environment
 * @param logDirectory where each worker's stderr is appended ({@code worker-N.log}); empty = discarded after
 *                    keeping the last lines for failure reasons
 * @param threads     threads per worker (for descriptions)
 */
public record WorkerSpec(List<String> command, Map<String, String> environment, Optional<Path> logDirectory,
                         int threads) {
    public WorkerSpec {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(logDirectory, "logDirectory");
    }

    /** This spec with {@code name=value} added to the workers' environment. */
    public WorkerSpec withEnvironment(String name, String value) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(name, value);
        return new WorkerSpec(command, env, logDirectory, threads);
    }
}
