package dev.sublayer.search;

import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.search.exec.UtilisationMeter;
import dev.sublayer.search.strategy.Generation;
import dev.sublayer.search.strategy.Strategy;
import dev.sublayer.search.strategy.StrategyContext;
import dev.sublayer.search.strategy.StrategyRegistry;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.Individual;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.Seeds;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.StudyStatus;
import dev.sublayer.trial.TrialStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One session's loop over generations: restores the population checkpointed after the last stored generation,
 * runs the strategy generation by generation while the {@link BudgetPolicy} allows, stores each generation's
 * checkpoint with its front and budget use, rewrites {@code front.json} and reports progress; then
 * {@link SessionEnd} ends the session. A thread watches the wall-time budget and stops the session when it
 * runs out mid-generation.
 */
final class SessionLoop {

    // Logged under Search, the name a user sees in the log and configures: the session is part of the search.
    private static final Logger LOG = LogManager.getLogger(Search.class);

    private final StudyContext context;
    private final StudyStorage store;
    private final Search.ExecutorFactory executors;
    private final boolean resumed;
    private final StopSignal stop;
    private volatile boolean wallBudgetHit;

    SessionLoop(StudyContext context, StudyStorage store, Search.ExecutorFactory executors, boolean resumed,
                StopSignal stop) {
        this.context = context;
        this.store = store;
        this.executors = executors;
        this.resumed = resumed;
        this.stop = stop;
    }

    /** Runs the session to its end; the caller closes the store. */
    SearchOutcome run(SearchListener listener) {
        StudyConfig config = context.config();
        StudyResults results = new StudyResults(context);
        results.load(store);
        List<GenerationRecord> history = new ArrayList<>(store.generations());
        double wallBefore = BudgetPolicy.wallSecondsBefore(store.events());
        long sessionStart = System.nanoTime();
        StudyInfo info = store.info();
        boolean wasFinished = info.studyStatus().orElse(null) == StudyStatus.FINISHED;

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
        BudgetPolicy policy = new BudgetPolicy(config.budget(), strategy);
        String exhausted = policy.exhausted(g, BudgetPolicy.usedBefore(g, results, history.size(), wallBefore),
                history);
        CountingListener counting = new CountingListener(listener);
        SessionEnd end = new SessionEnd(context, store, results, listener);

        if (exhausted != null && wasFinished) {
            return end.alreadyFinished(exhausted, history.size());
        }

        // The executor first: a machine that cannot run it (GPUs missing) leaves the study's status as it was.
        TrialExecutor created = executors.create(context);
        try {
            store.updateInfo(info.withStatus(StudyStatus.RUNNING).withFinished(null));
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        Thread wallTimer = startWallTimer(wallBefore, sessionStart);
        try (UtilisationMeter executor = new UtilisationMeter(created)) {
            TrialRunner runner = new TrialRunner(context, store, results, executor, counting, stop);
            listener.searchStarted(new SearchStatus(config.name(), context.directory(), strategy.name(),
                    executor.describe(), g, results.trainedCandidates(), config.budget().maxTrials(), resumed));
            LOG.info("study '{}' in {}: {} from generation {}, {}", config.name(), context.directory(), strategy.name(),
                    g, executor.describe());
            for (String w : SlotAdvice.warnings(config, executor.slots(), strategy.plannedCandidates(Math.max(1, g)))) {
                LOG.warn(w);
            }
            long trainedAtStart = results.trainedCandidates();
            try {
                while (exhausted == null) {
                    final int generation = g;
                    long t0 = System.nanoTime();
                    UtilisationMeter.Span span = executor.start();
                    counting.startGeneration();
                    int planned = strategy.plannedCandidates(generation);
                    listener.generationStarted(generation, planned);
                    Generation gen = new Generation(generation, new SplittableRandom(Seeds.generation(config.seed(),
                            generation)), candidates -> runner.evaluate(generation, candidates));
                    population = generation == 0 ? strategy.initialise(gen) : strategy.next(population, gen);
                    StudyFront front = results.front();
                    double sessionSeconds = (System.nanoTime() - sessionStart) / 1e9;
                    BudgetUse use = new BudgetUse(results.trainedCandidates(generation),
                            results.trainingFlops(generation), wallBefore + sessionSeconds, history.size() + 1);
                    GenerationRecord record = new GenerationRecord(generation,
                            population.stream().map(Member::toIndividual).toList(),
                            Seeds.generation(config.seed(), generation + 1), front.hypervolume(),
                            results.bestBitsPerByte(front.rung()), (int) Math.min(Integer.MAX_VALUE,
                            use.candidates()), Instant.now(), Optional.of(front), Optional.of(use),
                            Optional.of(span.end()));
                    store.putGeneration(record);
                    history.add(record);
                    FrontJson.write(context.directory(), FrontJson.toNode(context, StudyStatus.RUNNING, front,
                            FrontStats.none()));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long trainedSession = results.trainedCandidates() - trainedAtStart;
                    double eta = Double.NaN;
                    if (config.budget().maxTrials() != Long.MAX_VALUE && trainedSession > 0) {
                        eta = Math.max(0, config.budget().maxTrials() - results.trainedCandidates())
                                * sessionSeconds / trainedSession;
                    }
                    GenerationSummary summary = new GenerationSummary(generation, population.size(),
                            counting.trained, counting.failed, results.trainedCandidates(), config.budget().maxTrials(),
                            front.hypervolume(), record.bestBitsPerByte(), front.members().size(), front.rung(),
                            seconds, wallBefore + sessionSeconds, eta);
                    LOG.info(String.format(Locale.ROOT, "generation %d: %d trials (%d failed), %d/%s candidates, "
                                    + "best %.4f bits/byte, hypervolume %.4f, %.1f s, workers %s", generation,
                            counting.trained, counting.failed, results.trainedCandidates(),
                            limit(config.budget().maxTrials()), record.bestBitsPerByte(), front.hypervolume(), seconds,
                            record.utilisation().map(u -> u.describe()).orElse("not measured")));
                    listener.generationDone(summary, store);
                    g++;
                    exhausted = policy.exhausted(g, BudgetPolicy.usedBefore(g, results, history.size(),
                            wallBefore + sessionSeconds), history);
                }
                store.logEvent("budget_reached", exhausted);
                SessionEnd.FinalFront last = end.reevaluate(strategy.finalReevaluation(config.reevaluation()), runner);
                SearchOutcome.State state = wasFinished && counting.trainedTotal == 0
                        ? SearchOutcome.State.ALREADY_FINISHED : SearchOutcome.State.FINISHED;
                return end.finished(state, exhausted, last, history.size(), counting.trainedTotal);
            } catch (TrialRunner.Stopped s) {
                return end.stopped(s.reason(), wallBudgetHit, history.size(), counting.trainedTotal);
            }
        } finally {
            wallTimer.interrupt();
        }
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
