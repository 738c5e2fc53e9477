package dev.sublayer.cli;

import dev.sublayer.search.FrontStats;
import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.progress.SearchProgress;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyInUseException;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.trial.Objective;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.SeedStatistics;
import dev.sublayer.trial.StudyFront;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What {@code search} and {@code resume} share: opening the study with one-line errors, the signal handlers that
 * stop the search cleanly ({@link StopSignals}), progress on stderr, and the front as a table on stdout.
 */
final class StudyRun {

    /** Exit code of a search stopped by Ctrl-C (128 + SIGINT), resumable; other signals give 128 + theirs. */
    static final int EXIT_STOPPED = 130;

    private StudyRun() {
    }

    /** Opens a study, turning store problems into bad-input errors (exit 2, one line). */
    static Search open(Supplier<Search> opener, String where) {
        try {
            return opener.get();
        } catch (StudyInUseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (StoreException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The worker settings with the command-line overrides applied. */
    static StudyConfig.Workers workers(StudyConfig.Workers w, Integer count, Integer threads) {
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, got " + count);
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        return new StudyConfig.Workers(count != null ? count : w.count(), threads != null ? threads : w.threads(),
                w.heap(), w.mode(), w.trialTimeoutSeconds(), w.marginSeconds());
    }

    /** The command line as typed, for the study's record: each word quoted for a POSIX shell, ready to paste. */
    static String commandLine(CommandSpec spec) {
        List<String> parts = new ArrayList<>();
        parts.add("sublayer");
        parts.addAll(spec.commandLine().getParseResult().originalArgs());
        return shellWords(parts);
    }

    /**
     * {@code words} as one POSIX shell command line: a word of only letters, digits and {@code @%+=:,./_-} as it
     * is, any other in single quotes (a single quote inside as {@code '\''}), the empty word as {@code ''}.
     */
    static String shellWords(List<String> words) {
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            if (!w.isEmpty() && w.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c)
                    || "@%+=:,./_-".indexOf(c) >= 0))) {
                b.append(w);
            } else {
                b.append('\'').append(w.replace("'", "'\\''")).append('\'');
            }
        }
        return b.toString();
    }

    /**
     * Runs the search with progress, stopping it cleanly on SIGINT (Ctrl-C), SIGTERM or SIGHUP; prints the outcome;
     * returns the exit code ({@link #exitCode}, with {@code 128 + signal} for a stop by a signal).
     */
    static int run(Search search, PrintWriter out, PrintWriter err) {
        return run(search, out, err, java.util.Optional.empty());
    }

    /** As {@link #run(Search, PrintWriter, PrintWriter)}, keeping {@code live} (a served dashboard) up to date. */
    static int run(Search search, PrintWriter out, PrintWriter err, java.util.Optional<LiveDashboard> live) {
        SearchOutcome outcome;
        try (StopSignals signals = StopSignals.install(search::requestStop, err)) {
            SearchListener listener = listeners(search, err);
            outcome = search.run(live.isEmpty() ? listener
                    : live.get().attach(listener, search.context().config().workers()));
            print(outcome, search.context().config(), out);
            int code = exitCode(outcome.state());
            return outcome.state() == SearchOutcome.State.STOPPED ? signals.exitCode().orElse(code) : code;
        }
    }

    /**
     * The exit code of a session that ended in {@code state}: 0 finished, {@value #EXIT_STOPPED} stopped (Ctrl-C),
     * {@value Main#EXIT_FAILURE} when every trial failed alike, {@value Main#EXIT_BAD_INPUT} when a fault of the
     * environment (no space left on device) stopped it.
     */
    static int exitCode(SearchOutcome.State state) {
        return switch (state) {
            case STOPPED -> EXIT_STOPPED;
            case FAILED -> Main.EXIT_FAILURE;
            case FAULTED -> Main.EXIT_BAD_INPUT;
            case FINISHED, ALREADY_FINISHED -> 0;
        };
    }

    private static SearchListener listeners(Search search, PrintWriter err) {
        return new ReportRefresh(SearchProgress.forEnvironment(err), search.context());
    }

    /** The outcome and the front as a table. */
    static void print(SearchOutcome o, StudyConfig config, PrintWriter out) {
        String head = switch (o.state()) {
            case FINISHED -> "study '" + config.name() + "' finished: " + o.reason();
            case ALREADY_FINISHED -> "study '" + config.name() + "' was already finished (" + o.reason()
                    + "); nothing to train";
            case STOPPED -> "study '" + config.name() + "' stopped (" + o.reason() + "); continue with: sublayer resume "
                    + o.directory();
            case FAILED -> "study '" + config.name() + "' stopped: " + o.reason() + "\nfix the cause, then continue "
                    + "with: sublayer resume " + o.directory();
            case FAULTED -> "study '" + config.name() + "' stopped: " + o.reason() + "; the trial is kept: fix that, "
                    + "then continue with: sublayer resume " + o.directory();
        };
        out.println(head);
        out.printf(Locale.ROOT, "%d generation%s, %d candidates trained%s%n", o.generations(),
                o.generations() == 1 ? "" : "s", o.trainedCandidates(),
                o.trainedThisSession() > 0 ? ", " + o.trainedThisSession() + " trials in this session" : "");
        StudyFront front = o.front();
        if (front.isEmpty()) {
            out.println("no completed trial yet: the front is empty");
        } else {
            out.printf(Locale.ROOT, "%nfront at rung %d (%d member%s, hypervolume %.4f), best %s first:%n%n",
                    front.rung(), front.members().size(), front.members().size() == 1 ? "" : "s",
                    front.hypervolume(), config.objectives().getFirst().kind().configName());
            table(front, o.reevaluation(), config.objectives(), out);
        }
        out.println();
        out.println("study:  " + o.directory() + "  (store " + StudyStore.FILE_NAME + ")");
        out.println("front:  " + o.frontFile());
        Path report = o.directory().resolve(config.report().file());
        if (Files.exists(report)) {
            out.println("report: " + report);
        }
        out.flush();
    }

    /**
     * The front as a table: per member its objective values (the mean over seeds, with the std, where it was
     * re-evaluated: the same figures as {@code front.json}'s {@code reevaluation} and the report) and its origin.
     */
    static void table(StudyFront front, FrontStats stats, List<Objective> objectives, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("#", "architecture"));
        objectives.forEach(o -> header.add(o.kind().label()));
        header.add("origin");
        rows.add(header.toArray(new String[0]));
        int i = 1;
        for (StudyFront.Member e : front.members()) {
            List<String> row = new ArrayList<>(List.of(Integer.toString(i++),
                    Notation.parse(e.architecture()).notation()));
            SeedStatistics s = stats.members().get(e.architecture());
            for (int k = 0; k < objectives.size(); k++) {
                row.add(value(objectives.get(k).kind(), e.value(k), s, k));
            }
            row.add(e.origin().text());
            rows.add(row.toArray(new String[0]));
        }
        int[] widths = new int[header.size()];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                widths[c] = Math.max(widths[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                boolean numeric = c == 0 || (c >= 2 && c < r.length - 1);
                String cell = numeric ? " ".repeat(widths[c] - r[c].length()) + r[c]
                        : r[c] + " ".repeat(widths[c] - r[c].length());
                b.append(c == 0 ? "" : "  ").append(cell);
            }
            out.println(b.toString().stripTrailing());
        }
        if (!stats.members().isEmpty()) {
            out.printf(Locale.ROOT, "%n(mean +- std over the search's run and %d extra seed%s where re-evaluated)%n",
                    stats.seeds(), stats.seeds() == 1 ? "" : "s");
        }
    }

    private static String value(ObjectiveKind kind, double v, SeedStatistics s, int k) {
        String shown = switch (kind) {
            case VALID_BITS_PER_BYTE -> String.format(Locale.ROOT, "%.4f", s == null ? v : s.mean()[k]);
            case NON_EMBEDDING_PARAMS, FLOPS_PER_TOKEN, PEAK_MEMORY_BYTES -> String.format(Locale.ROOT, "%,d",
                    Math.round(s == null ? v : s.mean()[k]));
            case WALL_SECONDS -> String.format(Locale.ROOT, "%.1f", s == null ? v : s.mean()[k]);
        };
        if (s != null && s.n() > 1 && !Double.isNaN(s.std()[k]) && s.std()[k] > 0) {
            shown += kind == ObjectiveKind.VALID_BITS_PER_BYTE
                    ? String.format(Locale.ROOT, " +- %.4f", s.std()[k])
                    : String.format(Locale.ROOT, " +- %.3g", s.std()[k]);
        }
        return shown;
    }
}
