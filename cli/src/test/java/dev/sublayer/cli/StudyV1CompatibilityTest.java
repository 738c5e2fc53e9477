package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.LegacyTrialKeys;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialKeyUpgrade;
import dev.sublayer.storage.TrialRecord;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study written by Sublayer 0.1.0 (the fixture {@code fixtures/study-v1}: trial keys
 * {@code sublayer-trial-key-v1}, store schema 1) stays valid: {@code search} with its config upgrades its keys and
 * trains nothing, and {@code resume}, {@code report} and {@code export} work on the same trials. Read-only commands
 * leave the old store as it is. Only identity is compared here (trials, keys, events), not the printed front.
 */
class StudyV1CompatibilityTest {

    private static final List<String> SAME_IN_EXPORT = List.of("architecture", "rung", "seed", "generation",
            "strategy", "status", "valid_loss", "valid_bits_per_byte", "non_embedding_params", "training_flops",
            "steps", "tokens", "started", "finished");

    @TempDir
    Path tmp;

    private Path fixture;
    private Path study;

    @BeforeEach
    void copyTheFixture() throws IOException, URISyntaxException {
        fixture = Path.of(StudyV1CompatibilityTest.class.getResource("/fixtures/study-v1").toURI());
        study = tmp.resolve("study");
        Files.createDirectories(study);
        try (Stream<Path> files = Files.list(fixture.resolve("study"))) {
            for (Path f : files.toList()) {
                Files.copy(f, study.resolve(f.getFileName()));
            }
        }
    }

    private StudyConfig config() throws IOException {
        return StudyConfigReader.read(Files.readString(fixture.resolve("config.yaml")));
    }

    private List<TrialRecord> trials() {
        try (StudyStore s = StudyStore.openReadOnly(study)) {
            return s.trials();
        }
    }

    private static TrialRequest request(StudyConfig config, TrialRecord t) {
        return new TrialRequest(Notation.parse(t.architecture()), config.data(), config.training().config(),
                t.budget(), t.seed(), config.constraints());
    }

    @Test
    void theFrozenVersionOneKeysAreTheKeysTheOldReleaseStored() throws IOException {
        StudyConfig config = config();
        List<TrialRecord> trials = trials();
        assertThat(trials).hasSize(14);
        for (TrialRecord t : trials) {
            Architecture a = Notation.parse(t.architecture());
            assertThat(LegacyTrialKeys.key(a, t.budget(), config.training().engine(), config.training().config(),
                    config.data(), t.seed())).as(t.architecture()).isEqualTo(t.key());
        }
    }

    @Test
    void searchUpgradesTheKeysAfterABackupAndTrainsNothing() throws IOException {
        byte[] original = Files.readAllBytes(StudyStore.studyFile(study));
        List<TrialRecord> before = trials();
        int eventsBefore;
        try (StudyStore s = StudyStore.openReadOnly(study)) {
            assertThat(s.trialKeyVersion()).isEqualTo("sublayer-trial-key-v1");
            eventsBefore = s.events().size();
        }

        CliRunner r = CliRunner.run("search", fixture.resolve("config.yaml").toString(), "--dir", study.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("study 'fixture-v1' was already finished").contains("nothing to train");
        assertThat(study.resolve("logs")).as("no worker was started").doesNotExist();
        Path backup = study.resolve("study.mv.db.v1.bak");
        assertThat(Files.readAllBytes(backup)).isEqualTo(original);

        StudyContext context = new StudyContext(config(), study);
        try (StudyStore s = StudyStore.openReadOnly(study)) {
            assertThat(s.trialKeyVersion()).isEqualTo("sublayer-trial-key-v2");
            List<TrialRecord> after = s.trials();
            assertThat(after).hasSize(before.size());
            for (int i = 0; i < before.size(); i++) {
                TrialRecord old = before.get(i);
                String key = context.key(request(context.config(), old));
                assertThat(key).isNotEqualTo(old.key());
                assertThat(after.get(i)).isEqualTo(old.withKey(key));
            }
            List<StudyEvent> events = s.events();
            List<StudyEvent> added = events.subList(eventsBefore, events.size());
            assertThat(added.getFirst().type()).isEqualTo(TrialKeyUpgrade.EVENT);
            assertThat(added.getFirst().message()).isEqualTo("trial keys upgraded v1 -> v2: 14 trials, 0 checkpoints "
                    + "carried over, backup at " + backup);
            assertThat(added).extracting(StudyEvent::type).doesNotContain("trial_started", "trial_finished")
                    .contains("search_skipped");
        }
    }

    @Test
    void resumeReportAndExportWorkOnTheUpgradedStudyAndExportTheSameTrials() throws IOException {
        assertThat(CliRunner.run("search", fixture.resolve("config.yaml").toString(), "--dir", study.toString())
                .exitCode()).isZero();
        long eventsAfterSearch;
        try (StudyStore s = StudyStore.openReadOnly(study)) {
            eventsAfterSearch = s.events().stream().filter(e -> e.type().equals(TrialKeyUpgrade.EVENT)).count();
        }

        CliRunner resume = CliRunner.run("resume", study.toString());
        assertThat(resume.exitCode()).as(resume.err()).isZero();
        assertThat(resume.out()).contains("was already finished");
        CliRunner report = CliRunner.run("report", study.toString(), "--out", tmp.resolve("report.md").toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(tmp.resolve("report.md")).content().contains("fixture-v1");
        CliRunner csv = CliRunner.run("export", study.toString(), "--format", "csv");
        assertThat(csv.exitCode()).as(csv.err()).isZero();

        List<Map<String, String>> exported = rows(csv.out());
        List<Map<String, String>> released = rows(Files.readString(fixture.resolve("export.csv")));
        assertThat(exported).hasSameSizeAs(released).hasSize(14);
        StudyContext context = new StudyContext(config(), study);
        Map<String, String> keys = new HashMap<>();
        trials().forEach(t -> keys.put(t.architecture() + "|" + t.rung() + "|" + t.seed(), t.key()));
        for (int i = 0; i < released.size(); i++) {
            Map<String, String> now = exported.get(i);
            Map<String, String> then = released.get(i);
            for (String column : SAME_IN_EXPORT) {
                assertThat(now.get(column)).as("row %d %s", i, column).isEqualTo(then.get(column));
            }
            String key = keys.get(now.get("architecture") + "|" + now.get("rung") + "|" + now.get("seed"));
            assertThat(now.get("key")).isEqualTo(key).isNotEqualTo(then.get("key")).hasSize(20);
        }
        try (StudyStore s = StudyStore.openReadOnly(study)) {
            assertThat(s.events().stream().filter(e -> e.type().equals(TrialKeyUpgrade.EVENT)).count())
                    .as("upgraded once").isEqualTo(eventsAfterSearch).isEqualTo(1);
        }
    }

    @Test
    void readOnlyCommandsLeaveTheVersionOneStoreAsItIs() throws IOException {
        byte[] original = Files.readAllBytes(StudyStore.studyFile(study));

        CliRunner info = CliRunner.run("study", "info", study.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("fixture-v1").containsPattern("trials\\s+14");
        CliRunner report = CliRunner.run("report", study.toString(), "--out", tmp.resolve("report.md").toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        CliRunner csv = CliRunner.run("export", study.toString(), "--format", "csv");
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(rows(csv.out())).extracting(row -> row.get("key"))
                .containsExactlyElementsOf(rows(Files.readString(fixture.resolve("export.csv"))).stream()
                        .map(row -> row.get("key")).toList());
        CliRunner jsonl = CliRunner.run("export", study.toString(), "--format", "jsonl");
        assertThat(jsonl.exitCode()).as(jsonl.err()).isZero();
        assertThat(jsonl.out().lines().findFirst().orElseThrow())
                .contains("\"trial_key_version\":\"sublayer-trial-key-v1\"");

        assertThat(Files.readAllBytes(StudyStore.studyFile(study))).isEqualTo(original);
        assertThat(study.resolve("study.mv.db.v1.bak")).doesNotExist();
    }

    /** The rows of an RFC 4180 CSV text (a header row first), by column name. */
    private static List<Map<String, String>> rows(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(field.toString());
                field.setLength(0);
                records.add(fields);
                fields = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (!field.isEmpty() || !fields.isEmpty()) {
            fields.add(field.toString());
            records.add(fields);
        }
        List<String> header = records.getFirst();
        List<Map<String, String>> out = new ArrayList<>();
        for (List<String> record : records.subList(1, records.size())) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), c < record.size() ? record.get(c) : null);
            }
            out.add(row);
        }
        return out;
    }
}
