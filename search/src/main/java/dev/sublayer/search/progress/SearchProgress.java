package dev.sublayer.search.progress;

import dev.sublayer.search.GenerationSummary;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchStatus;
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
 * Progress of a search on stderr: on a terminal (and with {@code CI} unset) a progress bar per generation
 * showing trials done (of those proposed, growing as promotions are decided), running and failed, the best
 * bits/byte and the hypervolume so far, and the generation's ETA; then, and otherwise only, one plain line
 * per generation with the study's ETA, since progress bars write carriage returns even where there is no
 * terminal.
 */
public final class SearchProgress implements SearchListener {

    private final PrintWriter err;
    private final boolean bars;
    private ProgressBar bar;
    private int running;
    private int failed;
    private int done;
    private String best = "-";
    private String hypervolume = "-";

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
            bar = new ProgressBarBuilder().setTaskName("gen " + generation).setInitialMax(candidates)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
            bar.setExtraMessage(extra());
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
    public void trialFinished(TrialRecord trial) {
        running = Math.max(0, running - 1);
        done++;
        if (trial.status() != TrialStatus.COMPLETED) {
            failed++;
        }
        if (bar != null) {
            if (done > bar.getMax()) {
                bar.maxHint(done + running);
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
            bar.close();
            bar = null;
        }
        err.printf(Locale.ROOT, "generation %d: %d trial%s (%d failed), %d/%s candidates, best %s bits/byte, "
                        + "hypervolume %s, front %d, %s%s%n",
                s.generation(), s.trained(), s.trained() == 1 ? "" : "s", s.failed(), s.trainedCandidates(),
                limit(s.maxTrials()), fixed(s.bestBitsPerByte()), String.format(Locale.ROOT, "%.4f", s.hypervolume()),
                s.frontSize(), duration(s.seconds()),
                Double.isNaN(s.etaSeconds()) ? "" : ", ETA " + duration(s.etaSeconds()));
        err.flush();
    }

    private String extra() {
        return String.format(Locale.ROOT, "run %d fail %d | best %s | HV %s", running, failed, best, hypervolume);
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String limit(long v) {
        return v == Long.MAX_VALUE ? "unlimited" : Long.toString(v);
    }

    /** A short human duration, e.g. {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 4 min}. */
    static String duration(double seconds) {
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
