package dev.sublayer.search;

import dev.sublayer.evaluator.TrialIdentity;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyInUseException;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.StudyStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One search session over a study: creates or continues the study's store, runs generations of the configured
 * strategy until the study budget is spent, re-evaluates the final front with extra seeds and writes it as
 * {@code front.json}.
 *
 * <p><b>Exact resume.</b> Generation {@code g} draws only from a generator seeded with
 * {@code Seeds.generation(studySeed, g)}, starts from the population checkpointed after generation {@code g-1},
 * and every trial it needs is either found finished in the store or trained (deterministically, on CPU). A
 * session that dies at any moment therefore leaves a store from which the next session recomputes generation
 * {@code g} to exactly what the dead session would have produced, retraining only what had not finished.
 *
 * <p>Budgets are totals over the study's life: a session that finds the budget spent trains nothing.
 *
 * <p>The parts: {@link StudyOpening} creates or continues the study, {@link SessionLoop} runs the generations,
 * {@link BudgetPolicy} says when to stop and {@link SessionEnd} re-evaluates and writes the final front.
 */
public final class Search implements AutoCloseable {

    /** Generations in a row without a newly trained candidate after which a study counts as converged. */
    public static final int STALL_GENERATIONS = 10;

    /** Creates the executor a session runs its trials on. */
    @FunctionalInterface
    public interface ExecutorFactory {
        /** The executor for the study of {@code context}. */
        TrialExecutor create(StudyContext context);

        /**
         * Checks before a study is opened that this machine can run its executor (e.g. that the GPUs its workers
         * ask for exist), so that a wrong setting leaves no study behind; nothing to check by default.
         *
         * @throws IllegalArgumentException naming the setting and what is allowed
         */
        default void check(StudyConfig config) {
        }
    }

    private final StudyContext context;
    private final StudyStorage store;
    private final ExecutorFactory executors;
    private final boolean resumed;
    private final StopSignal stop = new StopSignal();
    private final CountDownLatch done = new CountDownLatch(1);

    Search(StudyContext context, StudyStorage store, ExecutorFactory executors, boolean resumed) {
        this.context = context;
        this.store = store;
        this.executors = executors;
        this.resumed = resumed;
    }

    /**
     * Opens the study in {@code directory} for {@code config}: creates it when the directory holds no study,
     * continues it otherwise. Continuing requires the same search settings (space, data, training, fidelity,
     * objectives, constraints, strategy, seed); the budget, workers, re-evaluation and report settings may change.
     *
     * <p>A study whose trial keys are older than {@link TrialIdentity#KEY_VERSION} is upgraded first
     * ({@link TrialKeyMigration}).
     *
     * @param configText the config as the user wrote it (stored with the study)
     * @param command    the command line (stored with the study)
     * @throws ConfigException if the directory holds a study with different search settings
     */
    public static Search open(StudyConfig config, String configText, Path directory, String command,
                              ExecutorFactory executors) {
        executors.check(config);
        return StudyOpening.open(config, configText, directory, command, executors);
    }

    /**
     * A session over a study in a storage the caller opened, e.g. an {@link dev.sublayer.storage.InMemoryStudyStore}
     * (tests, embedding): {@code config} must be the study's own (unlike {@link #open}, nothing is compared). The
     * search's files ({@code front.json}, trial checkpoints) go to {@code store.directory()}; the session counts
     * as resumed if the storage holds trials. The storage is closed when the session ends.
     */
    public static Search on(StudyConfig config, StudyStorage store, ExecutorFactory executors) {
        return StudyOpening.on(config, store, executors);
    }

    /**
     * Opens an existing study with the config it was last run with, upgrading its trial keys first when they are
     * older than {@link TrialIdentity#KEY_VERSION}.
     *
     * @param workers adjusts the stored worker settings for this session (e.g. another machine); identity to keep them
     */
    public static Search resume(Path directory, UnaryOperator<StudyConfig.Workers> workers,
                                ExecutorFactory executors) {
        return StudyOpening.resume(directory, workers, executors);
    }

    /**
     * What {@link #changeBudget} did.
     *
     * @param applied whether the change was made to the stored study at once (no search had it open); otherwise
     *                it was requested from the running search, which applies it at its next generation
     * @param change  what changes, e.g. {@code max_trials 24 -> 30} (when requested: the new limits)
     */
    public record BudgetOutcome(boolean applied, String change) {
    }

    /**
     * Changes the budget of the study in {@code directory}, stopped or running. A study no process has open is
     * changed at once: the budget of its stored config (the one {@code resume} continues with) is replaced and a
     * {@code budget_changed} event logged, merged with a request its last search left untaken. A running study
     * is sent a request ({@link BudgetRequests}) that its search applies, logs and records the same way at its
     * next generation.
     *
     * @throws StoreException   if there is no study or its store cannot be opened
     * @throws ConfigException  if the stored config cannot be read
     * @throws IOException      if the request cannot be written
     */
    public static BudgetOutcome changeBudget(Path directory, BudgetChange change) throws IOException {
        Path dir = directory.toAbsolutePath().normalize();
        StudyStore store;
        try {
            store = StudyStore.openForUpdate(dir);
        } catch (StudyInUseException e) {
            BudgetRequests.request(dir, change);
            return new BudgetOutcome(false, change.describe());
        }
        try (store) {
            BudgetChange merged = BudgetRequests.take(dir).map(pending -> pending.then(change)).orElse(change);
            return new BudgetOutcome(true, SessionLoop.recordBudgetChange(store, merged));
        }
    }

    /** The study's context. */
    public StudyContext context() {
        return context;
    }

    /** Whether the study existed before this session. */
    public boolean resumed() {
        return resumed;
    }

    /** Asks the running search to stop cleanly (e.g. from a shutdown hook); the study stays resumable. */
    public void requestStop(String reason) {
        stop.request(reason);
    }

    /** Waits until {@link #run} has returned and the store is closed, at most {@code timeout}. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Runs the session: generations until the budget is spent (or a stop), then the re-evaluation of the front.
     * Closes the store before returning.
     */
    public SearchOutcome run(SearchListener listener) {
        try {
            return new SessionLoop(context, store, executors, resumed, stop).run(listener);
        } finally {
            store.close();
            done.countDown();
        }
    }

    @Override
    public void close() {
        store.close();
        done.countDown();
    }
}
