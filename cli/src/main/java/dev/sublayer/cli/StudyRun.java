package dev.sublayer.cli;

import dev.sublayer.search.FrontStats;
import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.config.GpuSelection;
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
        return workers(w, count, threads, null, null, null);
    }

    /** The worker settings with the command-line overrides applied, {@code --spark-master} included. */
    static StudyConfig.Workers workers(StudyConfig.Workers w, Integer count, Integer threads, String gpus,
                                       Integer trialsPerGpu, String sparkMaster) {
        StudyConfig.Workers out = workers(w, count, threads, gpus, trialsPerGpu);
        if (sparkMaster == null) {
            return out;
        }
        if (!sparkMaster.matches("local(\\[[0-9*]+(,[0-9]+)?\\])?|local-cluster\\[[0-9]+, *[0-9]+, *[0-9]+\\]"
                + "|spark://.+|k8s://.+|yarn")) {
            throw new IllegalArgumentException("--spark-master must be spark://HOST:PORT, k8s://URL, yarn, "
                    + "local-cluster[N,CORES,MB] or local[N], got '" + sparkMaster + "'");
        }
        if (out.mode() == StudyConfig.WorkerMode.IN_PROCESS) {
            throw new IllegalArgumentException("--spark-master runs worker processes on the executors: needs "
                    + "workers.mode: process");
        }
        return out.onSpark(sparkMaster);
    }

    /**
     * The worker settings with the command-line overrides applied. A new {@code --gpus} or {@code --trials-per-gpu}
     * without {@code --workers} sets the count to the device slots (GPUs x trials per GPU), as in a config
     * without {@code count}.
     */
    static StudyConfig.Workers workers(StudyConfig.Workers w, Integer count, Integer threads, String gpus,
                                       Integer trialsPerGpu) {
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--workers must be >= 1, got " + count);
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        if (trialsPerGpu != null && trialsPerGpu < 1) {
            throw new IllegalArgumentException("--trials-per-gpu must be >= 1, got " + trialsPerGpu);
        }
        GpuSelection selection = gpus == null ? w.gpus() : gpuOption(gpus);
        int perGpu = trialsPerGpu != null ? trialsPerGpu : w.trialsPerGpu();
        int n = count != null ? count : w.countPerDevice() ? 0 : w.count();
        if (count == null && (gpus != null || trialsPerGpu != null)) {
            n = switch (selection) {
                case GpuSelection.None none -> w.countPerDevice() ? 1 : w.count();
                case GpuSelection.All all -> 0;
                case GpuSelection.Indices(var indices) -> indices.size() * perGpu;
            };
        }
        if (w.mode() == StudyConfig.WorkerMode.IN_PROCESS && !(selection instanceof GpuSelection.None)) {
            throw new IllegalArgumentException("--gpus " + selection.configText() + " needs workers.mode: process "
                    + "(each worker process sees only its own GPU)");
        }
        try {
            return new StudyConfig.Workers(n, threads != null ? threads : w.threads(), w.heap(), w.mode(),
                    w.trialTimeoutSeconds(), w.marginSeconds(), selection, perGpu, w.backend(), w.spark());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--workers/--gpus/--trials-per-gpu: " + e.getMessage(), e);
        }
    }

    /** {@code --gpus}: {@code all}, {@code none} or device indices separated by commas ({@code 0,1,3}). */
    private static GpuSelection gpuOption(String value) {
        String v = value.strip();
        if ("all".equals(v)) {
            return GpuSelection.ALL;
        }
        if ("none".equals(v)) {
            return GpuSelection.NONE;
        }
        List<Integer> indices = new ArrayList<>();
        for (String part : v.split(",")) {
            String p = part.strip();
            if (!p.matches("[0-9]{1,4}")) {
                throw new IllegalArgumentException("--gpus must be all, none or device indices like 0,1,3, got '"
                        + value + "'");
            }
            indices.add(Integer.parseInt(p));
        }
        try {
            return GpuSelection.of(indices);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--gpus " + value + ": " + e.getMessage(), e);
        }
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
        if (o.utilisation().availableSeconds() > 0) {
            out.println("workers busy: " + o.utilisation().describe());
        }
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
