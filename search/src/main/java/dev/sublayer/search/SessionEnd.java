package dev.sublayer.search;

import dev.sublayer.search.strategy.FinalReevaluation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.StudyStatus;
import dev.sublayer.trial.WorkerUtilisation;
import dev.sublayer.trial.TrialResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * How a search session ends, in each of its four ways: the budget is spent and the final front is
 * re-evaluated with extra seeds and written as finished; the session is stopped (resumable, or finished when
 * the wall-time budget stopped it); every trial failed alike (resumable once the cause is fixed); or the study
 * had finished before and nothing is trained. Each way writes
 * {@code front.json}, records the study's status, hands the {@link SearchOutcome} to the listener and returns it.
 */
final class SessionEnd {

    // Logged under Search, the name a user sees in the log and configures: the session is part of the search.
    private static final Logger LOG = LogManager.getLogger(Search.class);

    /** The front a session ends with and the statistics of its re-evaluation. */
    record FinalFront(StudyFront front, FrontStats stats) {
    }

    private final StudyContext context;
    private final StudyStorage store;
    private final StudyResults results;
    private final SearchListener listener;

    SessionEnd(StudyContext context, StudyStorage store, StudyResults results, SearchListener listener) {
        this.context = context;
        this.store = store;
        this.results = results;
        this.listener = listener;
    }

    /**
     * The study was finished before this session and its budget is still spent ({@code exhausted}): writes the
     * stored front with the statistics of the re-evaluation trials in the store, trains nothing.
     */
    SearchOutcome alreadyFinished(String exhausted, int generations) {
        StudyFront front = results.front();
        FrontStats stats = cachedStats(front);
        Path frontFile = FrontJson.write(context.directory(), FrontJson.toNode(context, StudyStatus.FINISHED, front,
                stats));
        store.logEvent("search_skipped", "study already finished (" + exhausted + "); nothing to train");
        SearchOutcome outcome = new SearchOutcome(SearchOutcome.State.ALREADY_FINISHED, exhausted, front, stats,
                generations, results.trainedCandidates(), 0, context.directory(), frontFile, utilisation());
        listener.searchFinished(outcome, store);
        return outcome;
    }

    /**
     * Trains the final re-evaluation the strategy asks for and returns the front with its statistics.
     *
     * @throws TrialRunner.Stopped if the search must stop
     */
    FinalFront reevaluate(FinalReevaluation reevaluation, TrialRunner runner) throws TrialRunner.Stopped {
        StudyFront front = results.front();
        FrontStats stats = FrontStats.none();
        if (reevaluation instanceof FinalReevaluation.OfCandidates listed) {
            // Replicate seeds of every listed candidate, named by its origin; the front's ± std comes from them.
            List<Candidate> candidates = listed.candidates();
            Map<Architecture, Origin> origins = new HashMap<>();
            candidates.forEach(c -> origins.put(c.architecture(), c.origin()));
            int extra = listed.seeds();
            LOG.info("training {} more seed(s) of each of {} candidate(s)", extra, candidates.size());
            runner.reevaluate(candidates.stream().map(Candidate::architecture).toList(),
                    context.config().fidelity().topRung(), extra, origins::get);
            front = results.front();
            Map<String, List<TrialResult>> reps = new LinkedHashMap<>();
            for (StudyFront.Member e : front.members()) {
                Architecture a = Notation.parse(e.architecture());
                List<TrialResult> list = new ArrayList<>();
                for (int k = 1; k <= extra; k++) {
                    results.finished(context.key(a, front.rung(), k)).ifPresent(r -> list.add(r.result()));
                }
                reps.put(e.architecture(), list);
            }
            stats = extra > 0 ? FrontStats.build(context, front, reps, extra) : FrontStats.none();
        } else if (reevaluation instanceof FinalReevaluation.OfFront best && best.seeds() > 0
                && !front.isEmpty()) {
            List<Architecture> members = front.members().stream().limit(best.maxCandidates())
                    .map(m -> Notation.parse(m.architecture())).toList();
            LOG.info("re-evaluating {} front member(s) with {} extra seed(s)", members.size(), best.seeds());
            Map<String, List<TrialResult>> reps = runner.reevaluate(members, front.rung(), best.seeds());
            stats = FrontStats.build(context, front, reps, best.seeds());
        }
        return new FinalFront(front, stats);
    }

    /**
     * The budget is spent ({@code exhausted}) and the front re-evaluated: writes it as finished and marks the
     * study finished.
     *
     * @param state              {@link SearchOutcome.State#FINISHED}, or {@link SearchOutcome.State#ALREADY_FINISHED}
     *                           when the study had finished before and this session trained nothing
     * @param trainedThisSession trials trained in this session
     */
    SearchOutcome finished(SearchOutcome.State state, String exhausted, FinalFront last, int generations,
                           long trainedThisSession) {
        Path frontFile = FrontJson.write(context.directory(), FrontJson.toNode(context, StudyStatus.FINISHED,
                last.front(), last.stats()));
        StudyInfo now = store.info();
        store.updateInfo(now.withStatus(StudyStatus.FINISHED).withFinished(Instant.now()));
        SearchOutcome outcome = new SearchOutcome(state, exhausted, last.front(), last.stats(), generations,
                results.trainedCandidates(), trainedThisSession, context.directory(), frontFile, utilisation());
        listener.searchFinished(outcome, store);
        return outcome;
    }

    /**
     * The session stopped ({@code stop}) before the budget was spent: the study stays resumable, unless the
     * wall-time budget stopped it ({@code budget}), which finishes the study without a re-evaluation. A fault outside
     * the candidates ends it {@link SearchOutcome.State#FAULTED}.
     */
    SearchOutcome stopped(TrialRunner.Stopped stop, boolean budget, int generations, long trainedThisSession) {
        String reason = stop.reason();
        StudyFront front = results.front();
        Path frontFile = FrontJson.write(context.directory(), FrontJson.toNode(context,
                budget ? StudyStatus.FINISHED : StudyStatus.INTERRUPTED, front, FrontStats.none()));
        StudyInfo now = store.info();
        if (budget) {
            store.logEvent("budget_reached", reason);
            store.updateInfo(now.withStatus(StudyStatus.FINISHED).withFinished(Instant.now()));
        } else {
            store.logEvent("search_stopped", reason);
            store.updateInfo(now.withStatus(StudyStatus.INTERRUPTED));
        }
        SearchOutcome.State state = budget ? SearchOutcome.State.FINISHED
                : stop.fault() ? SearchOutcome.State.FAULTED : SearchOutcome.State.STOPPED;
        SearchOutcome outcome = new SearchOutcome(state, reason, front, FrontStats.none(), generations,
                results.trainedCandidates(), trainedThisSession, context.directory(), frontFile, utilisation());
        listener.searchFinished(outcome, store);
        return outcome;
    }

    /**
     * The session stopped because every trial of the study failed alike ({@link CommonFailure}): the study stays
     * resumable, to be continued once the cause is fixed.
     */
    SearchOutcome failed(String reason, int generations, long trainedThisSession) {
        StudyFront front = results.front();
        Path frontFile = FrontJson.write(context.directory(), FrontJson.toNode(context, StudyStatus.INTERRUPTED,
                front, FrontStats.none()));
        store.logEvent("search_failed", reason);
        store.updateInfo(store.info().withStatus(StudyStatus.INTERRUPTED));
        LOG.error("study '{}' stopped: {}", context.config().name(), reason);
        SearchOutcome outcome = new SearchOutcome(SearchOutcome.State.FAILED, reason, front, FrontStats.none(),
                generations, results.trainedCandidates(), trainedThisSession, context.directory(), frontFile);
        listener.searchFinished(outcome, store);
        return outcome;
    }

    /** Statistics of the front from re-evaluation trials already in the store (nothing is trained). */
    private FrontStats cachedStats(StudyFront front) {
        int seeds = context.config().reevaluation().seeds();
        if (seeds == 0 || front.isEmpty()) {
            return FrontStats.none();
        }
        Map<String, List<TrialResult>> reps = new LinkedHashMap<>();
        for (StudyFront.Member e : front.members()) {
            Architecture a = Notation.parse(e.architecture());
            List<TrialResult> list = new ArrayList<>();
            for (int k = 1; k <= seeds; k++) {
                results.finished(context.key(a, front.rung(), k)).ifPresent(r -> list.add(r.result()));
            }
            if (!list.isEmpty()) {
                reps.put(e.architecture(), list);
            }
        }
        return FrontStats.build(context, front, reps, seeds);
    }

    /** The worker utilisation over the study's stored generations. */
    private WorkerUtilisation utilisation() {
        return WorkerUtilisation.sum(store.generations().stream().flatMap(g -> g.utilisation().stream()).toList());
    }
}
