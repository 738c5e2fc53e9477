package dev.sublayer.storage;

import dev.sublayer.trial.Budget;
import dev.sublayer.trial.FailureCause;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.RecordedTrial;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One trial as the store keeps it: what was trained, at which fidelity, by whom, and what came out.
 * A trial that is still training has a result with status {@link TrialStatus#RUNNING}; the same key is
 * later overwritten with the final result.
 *
 * @param key          the trial key, unique in the study (the cache key of the search)
 * @param architecture the architecture in canonical notation
 * @param rung         the fidelity rung (0 = cheapest)
 * @param seed         the training seed
 * @param budget       the training budget of this rung
 * @param generation   the generation that asked for it (-1 when outside the generational loop)
 * @param origin       what proposed it; stored as its text under the key {@code strategy} (e.g. {@code nsga2},
 *                     {@code template:sandwich_2}, {@code reeval})
 * @param worker       the worker (and host) that trains it, may be empty
 * @param started      when training started
 * @param finished     when it ended, or {@code null} while running (and when interrupted)
 * @param result       the outcome; status {@code RUNNING} while running
 */
public record TrialRecord(
        String key,
        String architecture,
        int rung,
        long seed,
        Budget budget,
        int generation,
        Origin origin,
        String worker,
        Instant started,
        Instant finished,
        TrialResult result) implements RecordedTrial {

    public TrialRecord {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("trial key must not be empty");
        }
        Objects.requireNonNull(architecture, "architecture");
        if (rung < 0) {
            throw new IllegalArgumentException("rung must be >= 0, got " + rung);
        }
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(origin, "origin");
        worker = worker == null ? "" : worker;
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(result, "result");
    }

    /** A trial that has just started: status {@code RUNNING}, nothing measured yet. */
    public static TrialRecord running(String key, String architecture, int rung, long seed, Budget budget,
            int generation, Origin origin, String worker, Instant started, Provenance provenance) {
        return new TrialRecord(key, architecture, rung, seed, budget, generation, origin, worker, started, null,
                new TrialResult(TrialStatus.RUNNING, TrialMetrics.none(), List.of(), "", provenance));
    }

    /** This trial stored under another key (when a migration re-keys a study). */
    public TrialRecord withKey(String newKey) {
        return new TrialRecord(newKey, architecture, rung, seed, budget, generation, origin, worker, started, finished,
                result);
    }

    /** The trial's status (its result's). */
    @Override
    public TrialStatus status() {
        return result.status();
    }

    /** This trial ended at {@code time} with {@code outcome}. */
    public TrialRecord finish(TrialResult outcome, Instant time) {
        return new TrialRecord(key, architecture, rung, seed, budget, generation, origin, worker, started,
                Objects.requireNonNull(time, "time"), outcome);
    }

    /** This trial marked interrupted (its process died while it ran), keeping what it had. */
    public TrialRecord interrupted(String why) {
        TrialResult r = new TrialResult(TrialStatus.INTERRUPTED, result.metrics(), result.curve(), why,
                result.provenance());
        return new TrialRecord(key, architecture, rung, seed, budget, generation, origin, worker, started, null, r);
    }

    /**
     * This trial marked interrupted by a fault outside its candidate ({@link FailureCause#INFRASTRUCTURE}, e.g. no
     * space left on device): {@code failure} is what the executor reported; it is trained again on resume.
     */
    public TrialRecord interruptedBy(TrialResult failure) {
        TrialResult r = new TrialResult(TrialStatus.INTERRUPTED, failure.metrics(), failure.curve(), failure.failure(),
                failure.provenance(), FailureCause.INFRASTRUCTURE);
        return new TrialRecord(key, architecture, rung, seed, budget, generation, origin, worker, started, null, r);
    }
}
