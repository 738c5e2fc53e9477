package dev.sublayer.search.progress;

import dev.sublayer.search.GenerationSummary;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.SearchStatus;
import dev.sublayer.search.TrialProgress;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a search on stderr. Off a terminal (a log, {@code nohup}, CI: no console, or {@code CI} set) one
 * plain line per finished trial ({@link #trialLine}) and one per generation ({@link #generationLine}), since
 * progress bars write carriage returns even where there is no terminal. On a terminal a progress bar per
 * generation (and one for the final re-evaluation) that moves with every finished trial: trials done of those
 * planned so far (growing as promotions are decided), running and failed, the best bits/byte, the hypervolume and
 * the study's ETA; then the generation's line.
 */
public final class SearchProgress implements SearchListener {

    /** Failure texts in a trial line are cut to this many characters. */
    private static final int FAILURE_CHARS = 80;

    private final PrintWriter err;
    private final boolean bars;
    private ProgressBar bar;
    private int running;
    private int failed;
    private int done;
    private String best = "-";
    private String hypervolume = "-";
    private String eta = "";

    private SearchProgress(PrintWriter err, boolean bars) {
        this.err = err;
        this.bars = bars;
    }

    /** Progress bars when there is a console and {@code CI} is unset, plain lines otherwise. */
    public static SearchProgress forEnvironment(PrintWriter err) {
        return new SearchProgress(err, System.console() != null && System.getenv("CI") == null);
    }

    /** Plain lines only. */
    public static SearchProgress lines(PrintWriter err) {
        return new SearchProgress(err, false);
    }

    @Override
    public void searchStarted(SearchStatus s) {
        err.printf(Locale.ROOT, "sublayer: %s study '%s' in %s: %s, %s, from generation %d (%d/%s candidates trained)%n",
                s.resumed() ? "continuing" : "starting", s.name(), s.directory(), s.strategy(), s.executor(),
                s.nextGeneration(), s.trainedCandidates(), limit(s.maxTrials()));
        err.flush();
    }

    @Override
    public void generationStarted(int generation, int candidates) {
        running = 0;
        failed = 0;
        done = 0;
        if (bars) {
            closeBar();
            bar = newBar("gen " + generation, Math.max(1, candidates));
        }
    }

    @Override
    public void trialStarted(TrialRecord trial) {
        running++;
        if (bar != null) {
            bar.setExtraMessage(extra());
        }
    }

    @Override
    public void trialFinished(TrialProgress p, StudyStorage store) {
        running = Math.max(0, running - 1);
        done++;
        if (p.trial().status() != TrialStatus.COMPLETED) {
            failed++;
        }
        if (!Double.isNaN(p.bestBitsPerByte())) {
            best = String.format(Locale.ROOT, "%.3f", p.bestBitsPerByte());
        }
        eta = Double.isNaN(p.etaSeconds()) ? "" : "study ETA " + duration(p.etaSeconds()) + " | ";
        if (!bars) {
            err.println(trialLine(p));
            err.flush();
            return;
        }
        if (bar == null && p.reevaluation()) {
            done = 1;
            failed = p.trial().status() != TrialStatus.COMPLETED ? 1 : 0;
            bar = newBar("reeval", 1);
        }
        if (bar != null) {
            long planned = p.rungs().stream().mapToLong(TrialProgress.RungCount::planned).sum();
            long max = Math.max(Math.max(bar.getMax(), planned), done + running);
            if (max != bar.getMax()) {
                bar.maxHint(max);
            }
            bar.stepTo(done);
            bar.setExtraMessage(extra());
        }
    }

    @Override
    public void generationDone(GenerationSummary s, StudyStorage store) {
        best = Double.isNaN(s.bestBitsPerByte()) ? "-" : String.format(Locale.ROOT, "%.3f", s.bestBitsPerByte());
        hypervolume = String.format(Locale.ROOT, "%.3f", s.hypervolume());
        if (bar != null) {
            bar.maxHint(Math.max(done, 1));
            bar.stepTo(Math.max(done, 1));
            bar.setExtraMessage(extra());
            closeBar();
        }
        err.println(generationLine(s));
        err.flush();
    }

    @Override
    public void budgetChanged(StudyConfig.StudyBudget budget, String change) {
        err.println("sublayer: budget changed: " + change);
        err.flush();
    }

    @Override
    public void searchFinished(SearchOutcome outcome, StudyStorage store) {
        closeBar();
    }

    /**
     * The line of one finished trial, e.g. {@code gen 1, rung 0 5/18: F256! F64 A2 (nsga2) completed 3.9025
     * bits/byte in 4.1 s; 15/24 candidates, best 3.8691 bits/byte, ETA 1 min 5 s}: the generation (or
     * {@code reeval}) with its trials done of those planned per rung, the architecture, its label or origin, its
     * status with its bits/byte or failure, its wall time, then the study's candidates trained of its budget, the
     * best bits/byte so far and the ETA.
     */
    public static String trialLine(TrialProgress p) {
        StringBuilder b = new StringBuilder(p.reevaluation() ? "reeval" : "gen " + p.generation());
        for (TrialProgress.RungCount r : p.rungs()) {
            b.append(", rung ").append(r.rung()).append(' ').append(r.done()).append('/').append(r.planned());
        }
        TrialRecord t = p.trial();
        b.append(": ").append(notation(t.architecture())).append(" (").append(t.origin().text()).append(") ")
                .append(t.status().configName());
        double bpb = t.result().metrics().validBitsPerByte();
        if (t.status() == TrialStatus.COMPLETED && !Double.isNaN(bpb)) {
            b.append(String.format(Locale.ROOT, " %.4f bits/byte", bpb));
        } else if (!t.result().failure().isEmpty()) {
            String why = t.result().failure().lines().findFirst().orElse("");
            b.append(": ").append(why.length() > FAILURE_CHARS ? why.substring(0, FAILURE_CHARS - 3) + "..." : why);
        }
        if (!Double.isNaN(p.trialSeconds())) {
            b.append(" in ").append(p.trialSeconds() < 60 ? String.format(Locale.ROOT, "%.1f s", p.trialSeconds())
                    : duration(p.trialSeconds()));
        }
        b.append("; ").append(p.trainedCandidates()).append('/').append(limit(p.maxTrials())).append(" candidates");
        if (!Double.isNaN(p.bestBitsPerByte())) {
            b.append(String.format(Locale.ROOT, ", best %.4f bits/byte", p.bestBitsPerByte()));
        }
        if (!Double.isNaN(p.etaSeconds())) {
            b.append(", ETA ").append(duration(p.etaSeconds()));
        }
        return b.toString();
    }

    /**
     * The line of one finished generation, e.g. {@code generation 2: 8 trials (0 failed), 21/24 candidates, best
     * 3.9025 bits/byte, hypervolume 0.4235, front 2, 9 s, ETA 6 s}.
     */
    public static String generationLine(GenerationSummary s) {
        return String.format(Locale.ROOT, "generation %d: %d trial%s (%d failed), %d/%s candidates, best %s "
                        + "bits/byte, hypervolume %s, front %d, %s%s",
                s.generation(), s.trained(), s.trained() == 1 ? "" : "s", s.failed(), s.trainedCandidates(),
                limit(s.maxTrials()), fixed(s.bestBitsPerByte()), String.format(Locale.ROOT, "%.4f", s.hypervolume()),
                s.frontSize(), duration(s.seconds()),
                Double.isNaN(s.etaSeconds()) ? "" : ", ETA " + duration(s.etaSeconds()));
    }

    private ProgressBar newBar(String task, long max) {
        ProgressBar b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
        b.setExtraMessage(extra());
        return b;
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private String extra() {
        // The study's ETA first: the bar cuts what does not fit the terminal's width.
        return String.format(Locale.ROOT, "%srun %d fail %d | best %s | HV %s", eta, running, failed, best,
                hypervolume);
    }

    private static String notation(String canonical) {
        try {
            return Notation.parse(canonical).notation();
        } catch (RuntimeException e) {
            return canonical;
        }
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String limit(long v) {
        return v == Long.MAX_VALUE ? "unlimited" : Long.toString(v);
    }

    /** A short human duration, e.g. {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 4 min}. */
    public static String duration(double seconds) {
        Duration d = Duration.ofMillis((long) (seconds * 1000));
        if (d.toMinutes() == 0) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (d.toHours() == 0) {
            return d.toMinutesPart() + " min " + d.toSecondsPart() + " s";
        }
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }
}
