package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.StudyContext;
import dev.sublayer.search.StudyResults;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The search, the report and {@code study info} count a study's budget use the same way. */
class BudgetAgreementTest {

    private static final Provenance P = new Provenance("0.1.0", "abc", "25", "dl4j", "nd4j", "cpu", "linux", "h");
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final String CONFIG = "name: budget\nseed: 3\nbudget: {max_trials: 10}\n";

    @TempDir
    Path tmp;

    private static TrialRecord trial(String key, String arch, int generation, Origin origin, TrialStatus status) {
        TrialMetrics m = status == TrialStatus.REJECTED ? TrialMetrics.none()
                : new TrialMetrics(1.5, 2.2, 0.4, 9000, 4000, 18000, 1e9, 100, 3200, 0.1, 2.0, 0.2, 1600, 1, 2);
        return new TrialRecord(key, "d64 n64 pre: " + arch, 0, 1, Budget.steps(100), generation, origin, "w0", T0,
                T0.plusSeconds(60), new TrialResult(status, m, List.of(), status == TrialStatus.REJECTED
                        ? "estimated training memory exceeds the cap" : "", P));
    }

    private Path study() {
        Path dir = tmp.resolve("study");
        try (StudyStore s = StudyStore.create(dir, new StudyInfo("budget", "", 3, CONFIG, CONFIG, "finished", T0,
                T0.plusSeconds(600), "sublayer search budget.yaml", P))) {
            Origin nsga2 = Origin.proposal("nsga2");
            s.putTrial(trial("a", "A2 F64", 0, nsga2, TrialStatus.COMPLETED));
            s.putTrial(trial("b", "A2 F128", 0, nsga2, TrialStatus.REJECTED));
            s.putTrial(trial("c", "A2 F256", 1, nsga2, TrialStatus.FAILED));
            s.putTrial(trial("d", "A2 F64", -1, Origin.reevaluation(), TrialStatus.COMPLETED));
        }
        return dir;
    }

    @Test
    void rejectedCandidatesCountTowardMaxTrialsInTheSearchTheReportAndStudyInfo() throws IOException {
        Path dir = study();
        long searchCount;
        try (StudyStore store = StudyStore.openReadOnly(dir)) {
            StudyResults results = new StudyResults(new StudyContext(StudyConfigReader.read(CONFIG), dir));
            results.load(store);
            searchCount = results.trainedCandidates();
        }
        assertThat(searchCount).as("the search: completed, rejected and failed at rung 0").isEqualTo(3);
        CliRunner report = CliRunner.run("report", dir.toString(), "--format", "md", "--out", "-");
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(report.out()).contains("| compute | 3 of 10 candidates trained at rung 0, ");
        JsonNode info = JsonMapper.builder().build().readTree(CliRunner.run("study", "info", dir.toString(), "--json")
                .out());
        assertThat(info.get("candidates_trained").longValue()).isEqualTo(searchCount);
    }

    @Test
    void wallTimeIsTheSumOfTheSessionsWithoutThePauses() throws IOException {
        Path dir = study();
        // Rewrite the event log through export and import: a 10-minute session, a day's pause, a 5-minute one.
        CliRunner export = CliRunner.run("export", dir.toString(), "--format", "jsonl");
        List<String> lines = new ArrayList<>();
        for (String line : export.out().split("\n")) {
            if (!line.contains("\"kind\":\"event\"")) {
                lines.add(line);
            }
        }
        String[][] events = {{"0", "study_created"}, {"600", "trial_finished"}, {"86400", "study_resumed"},
                {"86700", "budget_reached"}};
        for (String[] e : events) {
            lines.add("{\"kind\":\"event\",\"v\":1,\"time\":\"" + T0.plusSeconds(Long.parseLong(e[0]))
                    + "\",\"type\":\"" + e[1] + "\",\"message\":\"-\"}");
        }
        Path jsonl = Files.writeString(tmp.resolve("study.jsonl"), String.join("\n", lines) + "\n");
        Path imported = tmp.resolve("imported");
        assertThat(CliRunner.run("import", jsonl.toString(), imported.toString()).exitCode()).isZero();

        JsonNode info = JsonMapper.builder().build().readTree(CliRunner.run("study", "info", imported.toString(),
                "--json").out());
        assertThat(info.get("wall_seconds").doubleValue()).isEqualTo(900.0);
        assertThat(CliRunner.run("report", imported.toString(), "--format", "md", "--out", "-").out())
                .contains(", 15 min 0 s wall time in 2 sessions |");
    }
}
