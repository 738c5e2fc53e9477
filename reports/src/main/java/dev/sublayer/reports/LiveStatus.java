package dev.sublayer.reports;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What only a live view of a study shows, as the running search (the store's only writer) knows it at one moment:
 * where the search stands, its estimate of the time left, each worker busy or idle, and the trials training now with
 * their learning curves so far. Everything else a dashboard shows is read from what the search stored
 * ({@link StudyView}).
 *
 * @param at              when this status was taken
 * @param generation      the generation being trained; -1 for the final re-evaluation of the front
 * @param rungs           the trials of this generation at each rung it has reached, done of planned
 * @param candidates      candidates trained at the first rung in the whole study so far
 * @param maxTrials       the trial budget ({@link Long#MAX_VALUE} when unset)
 * @param bestBitsPerByte the best validation bits per byte so far ({@code NaN} while none completed)
 * @param bestRung        the rung of {@code bestBitsPerByte} (-1 if none)
 * @param elapsedSeconds  wall seconds the study has run, all sessions
 * @param etaSeconds      the search's estimate of the seconds left ({@code NaN} when it has none yet)
 * @param workers         every worker of this session, busy or idle
 * @param running         the trials training now, oldest first
 */
public record LiveStatus(Instant at, int generation, List<RungCount> rungs, long candidates, long maxTrials,
                         double bestBitsPerByte, int bestRung, double elapsedSeconds, double etaSeconds,
                         List<Worker> workers, List<RunningTrial> running) {

    public LiveStatus {
        Objects.requireNonNull(at, "at");
        rungs = List.copyOf(rungs);
        workers = List.copyOf(workers);
        running = List.copyOf(running);
    }

    /**
     * The trials of a generation at one rung.
     *
     * @param rung    the rung (0 = the first)
     * @param done    trials that ended
     * @param planned trials planned
     */
    public record RungCount(int rung, int done, int planned) {
    }

    /**
     * One worker of the search.
     *
     * @param name  its name, e.g. {@code worker-2} (with its process id, and its device where it has one, while busy)
     * @param trial the key of the trial it trains; empty when idle
     */
    public record Worker(String name, String trial) {
        public Worker {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(trial, "trial");
        }

        /** Whether it trains a trial now. */
        public boolean busy() {
            return !trial.isEmpty();
        }
    }

    /**
     * A trial training now.
     *
     * @param key          its trial key
     * @param architecture its architecture in notation
     * @param rung         its rung
     * @param origin       who proposed it, e.g. {@code layout:baseline} or {@code nsga2}
     * @param worker       the worker that trains it
     * @param started      when it started
     * @param curve        its steps so far as its worker reported them, oldest first
     */
    public record RunningTrial(String key, String architecture, int rung, String origin, String worker,
                               Instant started, List<Step> curve) {
        public RunningTrial {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(architecture, "architecture");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(worker, "worker");
            Objects.requireNonNull(started, "started");
            curve = List.copyOf(curve);
        }
    }

    /**
     * One reported step of a running trial.
     *
     * @param step     steps done
     * @param maxSteps the step at which training stops ({@link Long#MAX_VALUE} when only wall time caps it)
     * @param tokens   training tokens seen
     * @param loss     the step's training loss, nats per token ({@code NaN} if not finite)
     */
    public record Step(long step, long maxSteps, long tokens, double loss) {
    }
}
