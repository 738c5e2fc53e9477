package dev.sublayer.cli;

import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.reports.LiveStatus;
import dev.sublayer.search.GenerationSummary;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.SearchStatus;
import dev.sublayer.search.TrialProgress;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a search serving its own dashboard ({@code --serve}) knows live, kept from the search's events and passed on
 * to the next listener: the trials training now with the steps their workers reported, the workers, the generation
 * and its rungs, the best so far and the ETA, as the search's progress tally computed them ({@link TrialProgress}).
 * Events come from the search thread; {@link #status()} from the dashboard's threads.
 */
final class LiveDashboard implements SearchListener {

    private volatile SearchListener next = SearchListener.NONE;
    private volatile List<String> slots = List.of();
    private final Map<String, TrialRecord> running = new LinkedHashMap<>();
    private final Map<String, List<LiveStatus.Step>> curves = new LinkedHashMap<>();
    private int generation;
    private List<LiveStatus.RungCount> rungs = List.of();
    private long candidates;
    private long maxTrials = Long.MAX_VALUE;
    private double best = Double.NaN;
    private int bestRung = -1;
    private double elapsed = Double.NaN;
    private double eta = Double.NaN;

    /**
     * Keeps the live state of the search run with {@code workers} that this listener is given to, passing every event
     * on to {@code next}; returns this listener. (The dashboard starts before the study is opened, so that a port in
     * use refuses the command before anything is written; the search and its workers are known after.)
     */
    LiveDashboard attach(SearchListener nextListener, StudyConfig.Workers workers) {
        String prefix = workers.mode() == StudyConfig.WorkerMode.IN_PROCESS ? "in-process-" : "worker-";
        List<String> s = new ArrayList<>();
        // Local workers are named by slot; others (a Spark executor's) are listed as they name themselves, while busy.
        int named = workers.backend() == StudyConfig.Backend.LOCAL ? workers.count() : 0;
        for (int i = 1; i <= named; i++) {
            s.add(prefix + i);
        }
        this.slots = List.copyOf(s);
        this.next = nextListener;
        return this;
    }

    /** Where the search stands now. */
    synchronized LiveStatus status() {
        List<LiveStatus.RunningTrial> trials = new ArrayList<>();
        Map<String, TrialRecord> busy = new LinkedHashMap<>();
        for (TrialRecord t : running.values()) {
            trials.add(new LiveStatus.RunningTrial(t.key(), t.architecture(), t.rung(), t.origin().text(), t.worker(),
                    t.started(), curves.getOrDefault(t.key(), List.of())));
            busy.put(slot(t.worker()), t);
        }
        List<LiveStatus.Worker> workers = new ArrayList<>();
        for (String s : slots) {
            // A busy worker as it names itself: with its process and, where it has one, its GPU.
            TrialRecord t = busy.get(s);
            workers.add(t == null ? new LiveStatus.Worker(s, "") : new LiveStatus.Worker(t.worker(), t.key()));
        }
        // A worker named otherwise (another executor's naming): listed as it names itself.
        running.values().stream().filter(t -> !slots.contains(slot(t.worker())))
                .forEach(t -> workers.add(new LiveStatus.Worker(t.worker(), t.key())));
        return new LiveStatus(Instant.now(), generation, rungs, candidates, maxTrials, best, bestRung, elapsed, eta,
                workers, trials);
    }

    /** {@code worker-2} of {@code worker-2 pid 4711 gpu 1}. */
    private static String slot(String worker) {
        int space = worker.indexOf(' ');
        return space < 0 ? worker : worker.substring(0, space);
    }

    @Override
    public void searchStarted(SearchStatus status) {
        synchronized (this) {
            generation = status.nextGeneration();
            candidates = status.trainedCandidates();
            maxTrials = status.maxTrials();
        }
        next.searchStarted(status);
    }

    @Override
    public void generationStarted(int g, int planned) {
        synchronized (this) {
            generation = g;
            rungs = List.of();
        }
        next.generationStarted(g, planned);
    }

    @Override
    public void trialStarted(TrialRecord trial) {
        synchronized (this) {
            running.put(trial.key(), trial);
            curves.put(trial.key(), new ArrayList<>());
        }
        next.trialStarted(trial);
    }

    @Override
    public void trialProgress(TrialRecord trial, TrialStep step) {
        synchronized (this) {
            List<LiveStatus.Step> curve = curves.get(trial.key());
            if (curve != null) {
                curve.add(new LiveStatus.Step(step.step(), step.maxSteps(), step.tokens(), step.loss()));
            }
        }
        next.trialProgress(trial, step);
    }

    @Override
    public void trialFinished(TrialProgress p, StudyStorage store) {
        synchronized (this) {
            running.remove(p.trial().key());
            curves.remove(p.trial().key());
            generation = p.generation();
            rungs = p.rungs().stream().map(r -> new LiveStatus.RungCount(r.rung(), r.done(), r.planned())).toList();
            candidates = p.trainedCandidates();
            maxTrials = p.maxTrials();
            best = p.bestBitsPerByte();
            bestRung = p.bestRung();
            elapsed = p.studySeconds();
            eta = p.etaSeconds();
        }
        next.trialFinished(p, store);
    }

    @Override
    public void budgetChanged(StudyConfig.StudyBudget budget, String change) {
        synchronized (this) {
            maxTrials = budget.maxTrials();
        }
        next.budgetChanged(budget, change);
    }

    @Override
    public void generationDone(GenerationSummary summary, StudyStorage store) {
        next.generationDone(summary, store);
    }

    @Override
    public void searchFinished(SearchOutcome outcome, StudyStorage store) {
        synchronized (this) {
            running.clear();
            curves.clear();
            eta = 0;
        }
        next.searchFinished(outcome, store);
    }
}
