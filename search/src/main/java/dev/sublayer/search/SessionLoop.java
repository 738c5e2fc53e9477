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
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.Seeds;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.StudyStatus;
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
 * checkpoint with its front and budget use, rewrites {@code front.json} and reports progress (per trial through
 * the {@link ProgressTally}, per generation here); then {@link SessionEnd} ends the session. Before the first
 * generation and after each it applies a pending budget request ({@link BudgetRequests}). A thread watches the
 * wall-time budget and stops the session when it runs out mid-generation.
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
    /** The budget, which a budget request may change between generations (the wall timer reads it). */
    private volatile StudyConfig.StudyBudget budget;

    SessionLoop(StudyContext context, StudyStorage store, Search.ExecutorFactory executors, boolean resumed,
                StopSignal stop) {
        this.context = context;
        this.store = store;
        this.executors = executors;
        this.resumed = resumed;
        this.stop = stop;
        this.budget = context.config().budget();
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
        ProgressTally tally = new ProgressTally(context, store, results, listener, strategy, budget, wallBefore,
                sessionStart);
        takeBudgetRequest(tally, listener);
        BudgetPolicy policy = new BudgetPolicy(budget, strategy);
        String exhausted = policy.exhausted(g, BudgetPolicy.usedBefore(g, results, history.size(), wallBefore),
                history);
        SessionEnd end = new SessionEnd(context, store, results, listener);

        if (exhausted != null && wasFinished) {
            return end.alreadyFinished(exhausted, history.size());
        }

        // The executor first: a machine that cannot run it (GPUs missing) leaves the study's status as it was.
        TrialExecutor created = executors.create(context);
        try {
            store.updateInfo(store.info().withStatus(StudyStatus.RUNNING).withFinished(null));
        } catch (RuntimeException e) {
            created.close();
            throw e;
        }
        Thread wallTimer = startWallTimer(wallBefore, sessionStart);
        try (UtilisationMeter executor = new UtilisationMeter(created)) {
            TrialRunner runner = new TrialRunner(context, store, results, executor, tally, stop);
            listener.searchStarted(new SearchStatus(config.name(), context.directory(), strategy.name(),
                    executor.describe(), g, results.trainedCandidates(), budget.maxTrials(), resumed));
            LOG.info("study '{}' in {}: {} from generation {}, {}", config.name(), context.directory(), strategy.name(),
                    g, executor.describe());
            for (String w : SlotAdvice.warnings(config, executor.slots(), strategy.plannedCandidates(Math.max(1, g)))) {
                LOG.warn(w);
            }
            try {
                while (exhausted == null) {
                    final int generation = g;
                    long t0 = System.nanoTime();
                    UtilisationMeter.Span span = executor.start();
                    tally.startGeneration(generation);
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
                    GenerationSummary summary = new GenerationSummary(generation, population.size(),
                            tally.trained(), tally.failed(), results.trainedCandidates(), budget.maxTrials(),
                            front.hypervolume(), record.bestBitsPerByte(), front.members().size(), front.rung(),
                            seconds, wallBefore + sessionSeconds, tally.eta());
                    LOG.info(String.format(Locale.ROOT, "generation %d: %d trials (%d failed), %d/%s candidates, "
                                    + "best %.4f bits/byte, hypervolume %.4f, %.1f s, workers %s", generation,
                            tally.trained(), tally.failed(), results.trainedCandidates(), limit(budget.maxTrials()),
                            record.bestBitsPerByte(), front.hypervolume(), seconds,
                            record.utilisation().map(u -> u.describe()).orElse("not measured")));
                    listener.generationDone(summary, store);
                    Optional<CommonFailure> common = CommonFailure.of(results.all());
                    if (common.isPresent()) {
                        return end.failed(common.get().describe(), history.size(), tally.trainedTotal());
                    }
                    g++;
                    takeBudgetRequest(tally, listener);
                    policy = new BudgetPolicy(budget, strategy);
                    exhausted = policy.exhausted(g, BudgetPolicy.usedBefore(g, results, history.size(),
                            wallBefore + sessionSeconds), history);
                }
                store.logEvent("budget_reached", exhausted);
                SessionEnd.FinalFront last = end.reevaluate(strategy.finalReevaluation(config.reevaluation()), runner);
                SearchOutcome.State state = wasFinished && tally.trainedTotal() == 0
                        ? SearchOutcome.State.ALREADY_FINISHED : SearchOutcome.State.FINISHED;
                return end.finished(state, exhausted, last, history.size(), tally.trainedTotal());
            } catch (TrialRunner.Stopped s) {
                return end.stopped(s, wallBudgetHit, history.size(), tally.trainedTotal());
            }
        } finally {
            wallTimer.interrupt();
        }
    }

    /**
     * Applies the budget request pending for this study, if any ({@link BudgetRequests}): the stored config and the
     * event log record it, and from now on the session counts with the new limits.
     */
    private void takeBudgetRequest(ProgressTally tally, SearchListener listener) {
        Optional<BudgetChange> request;
        try {
            request = BudgetRequests.take(context.directory());
        } catch (IllegalArgumentException e) {
            LOG.warn("{}; the budget stays as it is", e.getMessage());
            store.logEvent("budget_request_refused", e.getMessage());
            return;
        }
        if (request.isEmpty()) {
            return;
        }
        String change = recordBudgetChange(store, request.get());
        budget = request.get().applyTo(budget);
        tally.budget(budget);
        LOG.info("budget changed: {}", change);
        listener.budgetChanged(budget, change);
    }

    /**
     * Records {@code change} in {@code store}: the budget of the stored config replaced, and a
     * {@value StudyEvent#BUDGET_CHANGED} event; returns what changed, e.g. {@code max_trials 24 -> 30}.
     */
    static String recordBudgetChange(StudyStorage store, BudgetChange change) {
        StudyInfo info = store.info();
        StudyConfig.StudyBudget before = StudyConfigReader.read(info.configAsGiven()).budget();
        String what = change.describe(before);
        store.updateInfo(change.applyTo(info));
        store.logEvent(StudyEvent.BUDGET_CHANGED, "budget changed: " + what);
        return what;
    }

    private Thread startWallTimer(double wallBefore, long sessionStart) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    double limit = budget.maxWallHours() * 3600;
                    double used = wallBefore + (System.nanoTime() - sessionStart) / 1e9;
                    if (used >= limit) {
                        wallBudgetHit = true;
                        stop.request(String.format(Locale.ROOT, "max_wall_hours (%s) reached",
                                budget.maxWallHours()));
                        return;
                    }
                    Thread.sleep((long) Math.min(1000, Math.max(10, (limit - used) * 1000)));
                }
            } catch (InterruptedException e) {
                // session over
            }
        }, "sublayer-wall-budget");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String limit(long v) {
        return v == Long.MAX_VALUE ? "unlimited" : Long.toString(v);
    }
}
