package dev.sublayer.cli;

import dev.sublayer.search.BudgetChange;
import dev.sublayer.search.Search;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.StudyResults;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyMaintenance;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.StudyFront;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sublayer study}: maintenance of study stores. */
@Command(name = "study", mixinStandardHelpOptions = true, description = "Inspect and maintain study stores.",
        subcommands = {StudyCommand.Compact.class, StudyCommand.Info.class, StudyCommand.Budget.class})
final class StudyCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code sublayer study compact}: full compaction of a closed store. */
    @Command(name = "compact", mixinStandardHelpOptions = true,
            description = "Fully compact a closed study store (a verified copy replaces it atomically); prints the "
                    + "size before and after.")
    static final class Compact implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory.")
        Path studyDir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            StudyMaintenance.Compaction c;
            try {
                c = StudyMaintenance.compact(studyDir);
            } catch (StoreException e) {
                throw StoreErrors.badInput(e);
            }
            spec.commandLine().getOut().println("compacted " + c.summary());
            return 0;
        }
    }

    /** {@code sublayer study info}: what a store holds, and the study's budget use and front. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = {"Print a study's schema version, trial counts by status, generations and size, "
                    + "its budget use (counted as the search counts it) and its front (as the search stored it).",
                    "Front values are the search's single-seed values, in the study's objective order.",
                    "A running study is read from the snapshot its search publishes; snapshot_time and "
                            + "snapshot_age_seconds say how old it is (- for a stopped study, read from its store)."})
    static final class Info implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory.")
        Path studyDir;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            StudyMaintenance.StoreInfo info;
            BudgetUse use;
            StudyFront front;
            Instant snapshot;
            Optional<Double> age;
            try (StudyStore store = StudyReading.open(studyDir)) {
                Instant now = Instant.now();
                StudyReading.note(store, studyDir, now)
                        .ifPresent(line -> spec.commandLine().getErr().println("sublayer: " + line));
                info = StudyMaintenance.info(store);
                StudyContext context = StudyReports.context(store);
                use = BudgetUse.of(store.trials(), StudyEvent.sessions(store.events()),
                        store.generations().size());
                front = StudyResults.frontOf(store, context);
                snapshot = store.snapshotTime().orElse(null);
                age = StudyReading.ageSeconds(store, now);
            } catch (StoreException e) {
                throw StoreErrors.badInput(e);
            }
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("study", info.study().name());
            v.put("directory", info.studyDir().toString());
            v.put("status", info.study().status());
            v.put("seed", info.study().seed());
            v.put("created", info.study().created().toString());
            v.put("finished", info.study().finished() == null ? null : info.study().finished().toString());
            v.put("schema_version", info.schemaVersion());
            v.put("trials", info.trials());
            for (TrialStatus s : TrialStatus.values()) {
                v.put("trials_" + s.configName(), info.byStatus().get(s));
            }
            v.put("generations", info.generations());
            v.put("last_generation", info.lastGeneration().orElse(null));
            v.put("events", info.events());
            v.put("file_bytes", info.fileBytes());
            v.put("snapshot_time", snapshot == null ? null : snapshot.toString());
            v.put("snapshot_age_seconds", age.map(a -> Math.round(a * 10) / 10.0).orElse(null));
            v.put("candidates_trained", use.candidates());
            v.put("training_flops", use.trainingFlops());
            v.put("wall_seconds", use.wallSeconds());
            v.put("front_rung", front.rung());
            v.put("front_hypervolume", front.hypervolume());
            List<Map<String, Object>> members = new ArrayList<>();
            for (StudyFront.Member m : front.members()) {
                Map<String, Object> member = new LinkedHashMap<>();
                member.put("architecture", Notation.parse(m.architecture()).notation());
                member.put("strategy", m.origin().text());
                Map<String, Object> values = new LinkedHashMap<>();
                for (int i = 0; i < front.objectives().size(); i++) {
                    values.put(front.objectives().get(i).configName(), m.value(i));
                }
                member.put("values", values);
                members.add(member);
            }
            v.put("front", members);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(StrictJson.prettyText(v));
                return 0;
            }
            int width = v.keySet().stream().mapToInt(String::length).max().orElse(0);
            String row = "%-" + width + "s  %s%n";
            v.forEach((k, x) -> {
                if (!k.equals("front")) {
                    out.printf(Locale.ROOT, row, k, x == null ? "-" : x);
                }
            });
            if (members.isEmpty()) {
                out.printf(Locale.ROOT, row, "front", "-");
            }
            for (int i = 0; i < members.size(); i++) {
                Map<String, Object> m = members.get(i);
                out.printf(Locale.ROOT, row, i == 0 ? "front" : "", m.get("architecture") + "  " + m.get("values")
                        + "  " + m.get("strategy"));
            }
            return 0;
        }
    }

    /** {@code sublayer study budget}: new budget totals for a study, stopped or running. */
    @Command(name = "budget", mixinStandardHelpOptions = true,
            description = {"Change a study's budget totals, stopped or running; the other limits stay.",
                    "A stopped study's stored config gets the new budget at once ('sublayer resume' continues with "
                            + "it); a running search takes it at its next generation and logs it. Either way the "
                            + "event log records a budget_changed event. A limit below what the study has spent "
                            + "ends it at its next generation (then the final re-evaluation, as when a budget runs "
                            + "out)."})
    static final class Budget implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory.")
        Path studyDir;

        @Option(names = "--max-trials", paramLabel = "N", description = "Candidates trained at the first rung, >= 1.")
        Long maxTrials;

        @Option(names = "--max-generations", paramLabel = "N", description = "Generations, >= 1.")
        Long maxGenerations;

        @Option(names = "--max-wall-hours", paramLabel = "H", description = "Hours of search wall time, > 0.")
        Double maxWallHours;

        @Option(names = "--max-training-flops", paramLabel = "F", description = "Training FLOPs spent, > 0.")
        Double maxTrainingFlops;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws java.io.IOException {
            BudgetChange change;
            try {
                change = BudgetChange.of(maxTrials, maxGenerations, maxWallHours, maxTrainingFlops);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(flags(e.getMessage()), e);
            }
            Search.BudgetOutcome outcome;
            try {
                outcome = Search.changeBudget(studyDir, change);
            } catch (StoreException e) {
                throw StoreErrors.badInput(e);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (outcome.applied()) {
                out.println("budget of study " + studyDir + " changed: " + outcome.change());
            } else {
                out.println("budget of running study " + studyDir + " requested: " + outcome.change() + "; its search "
                        + "applies it at its next generation (the next session, if it ends first) and logs it");
            }
            return 0;
        }

        /** A config-path message in the words of this command's options: {@code /budget/max_trials} -> {@code --max-trials}. */
        private static String flags(String message) {
            String m = message.replace("/budget: give at least one limit to change: ", "give at least one of ");
            for (String key : BudgetChange.KEYS) {
                m = m.replace("/budget/" + key + ":", "--" + key.replace('_', '-')).replace(key,
                        "--" + key.replace('_', '-'));
            }
            return m;
        }
    }
}
