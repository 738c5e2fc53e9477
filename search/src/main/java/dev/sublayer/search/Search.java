package dev.sublayer.search;

import dev.sublayer.evaluator.TrialIdentity;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.config.StudyConfigWriter;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.search.strategy.FinalReevaluation;
import dev.sublayer.search.strategy.Generation;
import dev.sublayer.search.strategy.Strategy;
import dev.sublayer.search.strategy.StrategyContext;
import dev.sublayer.search.strategy.StrategyRegistry;
import dev.sublayer.space.Architecture;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.Individual;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialKeyUpgrade;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Seeds;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import tools.jackson.databind.JsonNode;

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
 */
public final class Search implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(Search.class);

    /** Generations in a row without a newly trained candidate after which a study counts as converged. */
    public static final int STALL_GENERATIONS = 10;

    /** Creates the executor a session runs its trials on. */
    @FunctionalInterface
    public interface ExecutorFactory {
        /** The executor for the study of {@code context}. */
        TrialExecutor create(StudyContext context);
    }

    private final StudyContext context;
    private final StudyStorage store;
    private final ExecutorFactory executors;
    private final boolean resumed;
    private final StopSignal stop = new StopSignal();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean wallBudgetHit;

    private Search(StudyContext context, StudyStorage store, ExecutorFactory executors, boolean resumed) {
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
        Path dir = directory.toAbsolutePath().normalize();
        String resolved = StudyConfigWriter.resolvedYaml(config);
        if (!Files.exists(StudyStore.studyFile(dir))) {
            StudyInfo info = new StudyInfo(config.name(), config.description(), config.seed(), configText, resolved,
                    "created", Instant.now(), null, command, Provenances.local(config.training().engine()));
            StudyStore store = StudyStore.create(dir, info, TrialIdentity.KEY_VERSION);
            return new Search(new StudyContext(config, dir), store, executors, false);
        }
        TrialKeyMigration.upgradeIfNeeded(dir);
        StudyStore store = StudyStore.openForWriting(dir);
        try {
            StudyInfo info = store.info();
            StudyConfig stored = StudyConfigReader.read(info.configAsGiven());
            String difference = firstDifference(stored, config);
            if (difference != null) {
                throw ConfigException.at(difference.substring(0, difference.indexOf(' ')),
                        "differs from the study in " + dir + difference.substring(difference.indexOf(' '))
                                + "; a study's search settings are fixed (only budget, workers, reevaluation and "
                                + "report may change): restore the config or pass --dir for a new study");
            }
            if (!info.configAsGiven().equals(configText)) {
                store.updateInfo(new StudyInfo(info.name(), config.description(), info.seed(), configText, resolved,
                        info.status(), info.created(), info.finished(), info.command(), info.provenance()));
            }
            return new Search(new StudyContext(config, dir), store, executors, true);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * A session over a study in a storage the caller opened, e.g. an {@link dev.sublayer.storage.InMemoryStudyStore}
     * (tests, embedding): {@code config} must be the study's own (unlike {@link #open}, nothing is compared). The
     * search's files ({@code front.json}, trial checkpoints) go to {@code store.directory()}; the session counts
     * as resumed if the storage holds trials. The storage is closed when the session ends.
     */
    public static Search on(StudyConfig config, StudyStorage store, ExecutorFactory executors) {
        return new Search(new StudyContext(config, store.directory()), store, executors, store.trialCount() > 0);
    }

    /**
     * Opens an existing study with the config it was last run with, upgrading its trial keys first when they are
     * older than {@link TrialIdentity#KEY_VERSION}.
     *
     * @param workers adjusts the stored worker settings for this session (e.g. another machine); identity to keep them
     */
    public static Search resume(Path directory, java.util.function.UnaryOperator<StudyConfig.Workers> workers,
                                ExecutorFactory executors) {
        Path dir = directory.toAbsolutePath().normalize();
        TrialKeyMigration.upgradeIfNeeded(dir);
        StudyStore store = StudyStore.openForWriting(dir);
        try {
            StudyConfig config = StudyConfigReader.read(store.info().configAsGiven());
            config = config.withWorkers(workers.apply(config.workers()));
            return new Search(new StudyContext(config, dir), store, executors, true);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The first path where two configs differ in a search setting, with both values; null if none. */
    static String firstDifference(StudyConfig stored, StudyConfig given) {
        JsonNode a = comparable(stored);
        JsonNode b = comparable(given);
        return diff(a, b, "");
    }

    private static JsonNode comparable(StudyConfig c) {
        var n = StudyConfigWriter.toNode(c);
        for (String k : List.of("description", "budget", "workers", "reevaluation", "report")) {
            n.remove(k);
        }
        return n;
    }

    private static String diff(JsonNode a, JsonNode b, String path) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            for (String k : a.propertyNames()) {
                String d = diff(a.get(k), b.has(k) ? b.get(k) : tools.jackson.databind.node.MissingNode.getInstance(),
                        path + "/" + k);
                if (d != null) {
                    return d;
                }
            }
            for (String k : b.propertyNames()) {
                if (!a.has(k)) {
                    return path + "/" + k + " (study: unset, given: " + b.get(k) + ")";
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = diff(a.get(i), b.get(i), path + "/" + i);
                if (d != null) {
                    return d;
                }
            }
        }
        return (path.isEmpty() ? "/" : path) + " (study: " + a + ", given: " + b + ")";
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
            return runSession(listener);
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

    private SearchOutcome runSession(SearchListener listener) {
        StudyConfig config = context.config();
        StudyResults results = new StudyResults(context);
        results.load(store);
        List<GenerationRecord> history = new ArrayList<>(store.generations());
        double wallBefore = wallSecondsBefore(store.events());
        long sessionStart = System.nanoTime();
        StudyInfo info = store.info();
        boolean wasFinished = "finished".equals(info.status());

        List<Member> population = new ArrayList<>();
        int g = 0;
        if (!history.isEmpty()) {
            GenerationRecord last = history.getLast();
            for (Individual i : last.population()) {
                population.add(Member.fromIndividual(i, context.codec()));
            }
            g = last.generation() + 1;
        }
        Strategy strategy = StrategyRegistry.create(config.search().strategy(), StrategyContext.of(context));
        String exhausted = exhausted(strategy, g, results, history, wallBefore);
        CountingListener counting = new CountingListener(listener);

        if (exhausted != null && wasFinished) {
            StudyResults.Front front = results.front();
            FrontStats stats = cachedStats(results, front);
            Path frontFile = FrontJson.write(context.directory(), FrontJson.toNode(context, "finished", front, stats));
            store.logEvent("search_skipped", "study already finished (" + exhausted + "); nothing to train");
            SearchOutcome outcome = new SearchOutcome(SearchOutcome.State.ALREADY_FINISHED, exhausted, front, stats,
                    history.size(), results.trainedCandidates(), 0, context.directory(), frontFile);
            listener.searchFinished(outcome, store);
            return outcome;
        }

        store.updateInfo(info.withStatus("running").withFinished(null));
        Thread wallTimer = startWallTimer(wallBefore, sessionStart);
        try (TrialExecutor executor = executors.create(context)) {
            TrialRunner runner = new TrialRunner(context, store, results, executor, counting, stop);
            listener.searchStarted(new SearchStatus(config.name(), context.directory(), strategy.name(),
                    executor.describe(), g, results.trainedCandidates(), config.budget().maxTrials(), resumed));
            LOG.info("study '{}' in {}: {} from generation {}, {}", config.name(), context.directory(), strategy.name(),
                    g, executor.describe());
            long trainedAtStart = results.trainedCandidates();
            try {
                while (exhausted == null) {
                    final int generation = g;
                    long t0 = System.nanoTime();
                    counting.startGeneration();
                    int planned = strategy.plannedCandidates(generation);
                    listener.generationStarted(generation, planned);
                    Generation gen = new Generation(generation, new SplittableRandom(Seeds.generation(config.seed(),
                            generation)), candidates -> runner.evaluate(generation, candidates));
                    population = generation == 0 ? strategy.initialise(gen) : strategy.next(population, gen);
                    StudyResults.Front front = results.front();
                    GenerationRecord record = new GenerationRecord(generation,
                            population.stream().map(Member::toIndividual).toList(),
                            Seeds.generation(config.seed(), generation + 1), front.hypervolume(),
                            results.bestBitsPerByte(front.rung()), (int) Math.min(Integer.MAX_VALUE,
                            results.trainedCandidates(generation)), Instant.now());
                    store.putGeneration(record);
                    history.add(record);
                    FrontJson.write(context.directory(), FrontJson.toNode(context, "running", front, FrontStats.none()));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double sessionSeconds = (System.nanoTime() - sessionStart) / 1e9;
                    long trainedSession = results.trainedCandidates() - trainedAtStart;
                    double eta = Double.NaN;
                    if (config.budget().maxTrials() != Long.MAX_VALUE && trainedSession > 0) {
                        eta = Math.max(0, config.budget().maxTrials() - results.trainedCandidates())
                                * sessionSeconds / trainedSession;
                    }
                    GenerationSummary summary = new GenerationSummary(generation, population.size(),
                            counting.trained, counting.failed, results.trainedCandidates(), config.budget().maxTrials(),
                            front.hypervolume(), record.bestBitsPerByte(), front.entries().size(), front.rung(),
                            seconds, wallBefore + sessionSeconds, eta);
                    LOG.info(String.format(Locale.ROOT, "generation %d: %d trials (%d failed), %d/%s candidates, "
                                    + "best %.4f bits/byte, hypervolume %.4f, %.1f s", generation, counting.trained,
                            counting.failed, results.trainedCandidates(), limit(config.budget().maxTrials()),
                            record.bestBitsPerByte(), front.hypervolume(), seconds));
                    listener.generationDone(summary, store);
                    g++;
                    exhausted = exhausted(strategy, g, results, history, wallBefore + sessionSeconds);
                }
                store.logEvent("budget_reached", exhausted);
                StudyResults.Front front = results.front();
                FrontStats stats = FrontStats.none();
                FinalReevaluation reevaluation = strategy.finalReevaluation(config.reevaluation());
                if (reevaluation instanceof FinalReevaluation.OfCandidates listed) {
                    // Replicate seeds of every listed candidate, named by its origin; the front's ± std comes from them.
                    List<Candidate> candidates = listed.candidates();
                    Map<Architecture, String> origins = new java.util.HashMap<>();
                    candidates.forEach(c -> origins.put(c.architecture(), c.origin()));
                    int extra = listed.seeds();
                    LOG.info("training {} more seed(s) of each of {} candidate(s)", extra, candidates.size());
                    runner.reevaluate(candidates.stream().map(Candidate::architecture).toList(),
                            config.fidelity().topRung(), extra, origins::get);
                    front = results.front();
                    Map<String, List<TrialResult>> reps = new java.util.LinkedHashMap<>();
                    for (StudyResults.FrontEntry e : front.entries()) {
                        List<TrialResult> list = new ArrayList<>();
                        for (int k = 1; k <= extra; k++) {
                            results.finished(context.key(e.architecture(), front.rung(), k))
                                    .ifPresent(r -> list.add(r.result()));
                        }
                        reps.put(e.architecture().canonical(), list);
                    }
                    stats = extra > 0 ? FrontStats.build(context, front, reps, extra) : FrontStats.none();
                } else if (reevaluation instanceof FinalReevaluation.OfFront best && best.seeds() > 0
                        && !front.entries().isEmpty()) {
                    List<Architecture> members = front.entries().stream().limit(best.maxCandidates())
                            .map(StudyResults.FrontEntry::architecture).toList();
                    LOG.info("re-evaluating {} front member(s) with {} extra seed(s)", members.size(), best.seeds());
                    Map<String, List<TrialResult>> reps = runner.reevaluate(members, front.rung(), best.seeds());
                    stats = FrontStats.build(context, front, reps, best.seeds());
                }
                Path frontFile = FrontJson.write(context.directory(), FrontJson.toNode(context, "finished", front,
                        stats));
                StudyInfo now = store.info();
                store.updateInfo(now.withStatus("finished").withFinished(Instant.now()));
                SearchOutcome.State state = wasFinished && counting.trainedTotal == 0
                        ? SearchOutcome.State.ALREADY_FINISHED : SearchOutcome.State.FINISHED;
                SearchOutcome outcome = new SearchOutcome(state, exhausted, front, stats, history.size(),
                        results.trainedCandidates(), counting.trainedTotal, context.directory(), frontFile);
                listener.searchFinished(outcome, store);
                return outcome;
            } catch (TrialRunner.Stopped s) {
                StudyResults.Front front = results.front();
                boolean budget = wallBudgetHit;
                Path frontFile = FrontJson.write(context.directory(), FrontJson.toNode(context,
                        budget ? "finished" : "interrupted", front, FrontStats.none()));
                StudyInfo now = store.info();
                if (budget) {
                    store.logEvent("budget_reached", s.reason());
                    store.updateInfo(now.withStatus("finished").withFinished(Instant.now()));
                } else {
                    store.logEvent("search_stopped", s.reason());
                    store.updateInfo(now.withStatus("interrupted"));
                }
                SearchOutcome outcome = new SearchOutcome(budget ? SearchOutcome.State.FINISHED
                        : SearchOutcome.State.STOPPED, s.reason(), front, FrontStats.none(), history.size(),
                        results.trainedCandidates(), counting.trainedTotal, context.directory(), frontFile);
                listener.searchFinished(outcome, store);
                return outcome;
            }
        } finally {
            wallTimer.interrupt();
        }
    }

    /** Statistics of the front from re-evaluation trials already in the store (nothing is trained). */
    private FrontStats cachedStats(StudyResults results, StudyResults.Front front) {
        int seeds = context.config().reevaluation().seeds();
        if (seeds == 0 || front.entries().isEmpty()) {
            return FrontStats.none();
        }
        Map<String, List<TrialResult>> reps = new java.util.LinkedHashMap<>();
        for (StudyResults.FrontEntry e : front.entries()) {
            List<TrialResult> list = new ArrayList<>();
            for (int k = 1; k <= seeds; k++) {
                results.finished(context.key(e.architecture(), front.rung(), k)).ifPresent(r -> list.add(r.result()));
            }
            if (!list.isEmpty()) {
                reps.put(e.architecture().canonical(), list);
            }
        }
        return FrontStats.build(context, front, reps, seeds);
    }

    /** Why the study must not start generation {@code g}, or null when it may. */
    private String exhausted(Strategy strategy, int g, StudyResults results, List<GenerationRecord> history,
                             double wallSeconds) {
        StudyConfig.StudyBudget b = context.config().budget();
        java.util.Optional<String> finished = strategy.finished(g);
        if (finished.isPresent()) {
            return finished.get();
        }
        if (g >= b.maxGenerations()) {
            return "max_generations (" + b.maxGenerations() + ") reached";
        }
        long trained = results.trainedCandidates(g - 1);
        if (trained >= b.maxTrials()) {
            return "max_trials (" + b.maxTrials() + ") reached: " + trained + " candidates trained";
        }
        double flops = results.trainingFlops(g - 1);
        if (flops >= b.maxTrainingFlops()) {
            return String.format(Locale.ROOT, "max_training_flops (%.3g) reached: %.3g FLOPs spent",
                    b.maxTrainingFlops(), flops);
        }
        if (wallSeconds >= b.maxWallHours() * 3600) {
            return String.format(Locale.ROOT, "max_wall_hours (%s) reached", b.maxWallHours());
        }
        if (history.size() > STALL_GENERATIONS) {
            int last = history.getLast().trialsDone();
            boolean stalled = true;
            for (int i = history.size() - 1 - STALL_GENERATIONS; i < history.size(); i++) {
                stalled &= history.get(i).trialsDone() == last;
            }
            if (stalled) {
                return "converged: no new candidate in " + STALL_GENERATIONS + " generations";
            }
        }
        return null;
    }

    private Thread startWallTimer(double wallBefore, long sessionStart) {
        double limit = context.config().budget().maxWallHours() * 3600;
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    double used = wallBefore + (System.nanoTime() - sessionStart) / 1e9;
                    if (used >= limit) {
                        wallBudgetHit = true;
                        stop.request(String.format(Locale.ROOT, "max_wall_hours (%s) reached",
                                context.config().budget().maxWallHours()));
                        return;
                    }
                    Thread.sleep((long) Math.min(1000, Math.max(10, (limit - used) * 1000)));
                }
            } catch (InterruptedException e) {
                // session over
            }
        }, "sublayer-wall-budget");
        t.setDaemon(true);
        if (limit != Double.POSITIVE_INFINITY) {
            t.start();
        }
        return t;
    }

    /**
     * Wall seconds of earlier sessions: each session runs from a {@code study_created} or {@code study_resumed}
     * event to the last event before the next such event. A {@code trial_keys_upgraded} event, written when a
     * session opens an older study, is a boundary too, so the pause before it does not count.
     */
    static double wallSecondsBefore(List<StudyEvent> events) {
        double total = 0;
        Instant start = null;
        Instant last = null;
        Iterator<StudyEvent> it = events.iterator();
        // The newest study_resumed is this session's own start; it ends the previous session.
        while (it.hasNext()) {
            StudyEvent e = it.next();
            boolean boundary = "study_created".equals(e.type()) || "study_resumed".equals(e.type())
                    || TrialKeyUpgrade.EVENT.equals(e.type());
            if (boundary) {
                if (start != null && last != null) {
                    total += Math.max(0, Duration.between(start, last).toMillis() / 1000.0);
                }
                start = e.time();
            }
            last = e.time();
        }
        return total;
    }

    private static String limit(long v) {
        return v == Long.MAX_VALUE ? "unlimited" : Long.toString(v);
    }

    /** Counts trials per generation and passes every call on. */
    private static final class CountingListener implements SearchListener {
        private final SearchListener delegate;
        int trained;
        int failed;
        long trainedTotal;

        CountingListener(SearchListener delegate) {
            this.delegate = delegate;
        }

        void startGeneration() {
            trained = 0;
            failed = 0;
        }

        @Override
        public void trialStarted(TrialRecord trial) {
            delegate.trialStarted(trial);
        }

        @Override
        public void trialFinished(TrialRecord trial) {
            trained++;
            trainedTotal++;
            if (trial.status() != TrialStatus.COMPLETED) {
                failed++;
            }
            delegate.trialFinished(trial);
        }
    }
}
