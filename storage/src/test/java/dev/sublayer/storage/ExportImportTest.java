package dev.sublayer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportTest {

    @TempDir
    Path tmp;

    /** A study with every kind of content, including awkward strings and figures. */
    private Path richStudy(String name) {
        Path dir = tmp.resolve(name);
        Random rnd = new Random(11);
        try (StudyStore s = StudyStore.create(dir, Fixtures.info(name).withStatus("finished")
                .withFinished(Fixtures.T0.plusSeconds(99)))) {
            for (int i = 0; i < 30; i++) {
                s.putTrial(Fixtures.finished(rnd, "k" + i, i / 10, i % 3, 1 + i % 7));
            }
            s.putTrial(Fixtures.running(rnd, "still-running", 2, 0));
            TrialResult odd = new TrialResult(TrialStatus.DIVERGED, TrialMetrics.none(),
                    List.of(new CurvePoint(1, 2, -0.0, Double.POSITIVE_INFINITY, Double.NaN)),
                    "loss \"exploded\", at step 1\nsecond line, é 😀", Fixtures.PROVENANCE);
            s.putTrial(new TrialRecord("odd,key \"q\"", "A4 F512g", 1, Long.MIN_VALUE, new Budget(5, 6, 7.5, 1e18),
                    -1, Origin.reevaluation(), "", Fixtures.T0, null, odd));
            for (int g = 0; g < 3; g++) {
                s.putGeneration(Fixtures.generation(rnd, g, 5));
            }
            s.logEvent("note", "tab\tand unicode ∑");
        }
        try (StudyStore s = StudyStore.openForWriting(dir)) {
            s.logEvent("note", "reopened once");
            s.putTrial(Fixtures.running(rnd, "running-now", 3, 1));
        }
        return dir;
    }

    private static byte[] export(Path dir, StudyExport.Format format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            StudyExport.write(s, format, out);
        }
        return out.toByteArray();
    }

    @Test
    void jsonlRoundTripGivesAnIdenticalStore() throws IOException {
        Path dir = richStudy("rich");
        byte[] jsonl = export(dir, StudyExport.Format.JSONL);
        Path file = Files.write(tmp.resolve("rich.jsonl"), jsonl);
        StudyImport.Result r = StudyImport.jsonl(file, tmp.resolve("copy"));
        assertThat(r.trials()).isEqualTo(33);
        assertThat(r.generations()).isEqualTo(3);
        try (StudyStore a = StudyStore.openReadOnly(dir); StudyStore b = StudyStore.openReadOnly(r.studyDir())) {
            assertThat(b.info()).isEqualTo(a.info());
            assertThat(b.trials()).containsExactlyElementsOf(a.trials());
            assertThat(b.generations()).containsExactlyElementsOf(a.generations());
            assertThat(b.events()).containsExactlyElementsOf(a.events());
            assertThat(b.countsByStatus()).isEqualTo(a.countsByStatus());
            assertThat(b.trials(TrialStatus.RUNNING)).extracting(TrialRecord::key).containsExactly("running-now");
            assertThat(b.trials(TrialStatus.INTERRUPTED)).extracting(TrialRecord::key).containsExactly("still-running");
            assertThat(b.schemaVersion()).isEqualTo(a.schemaVersion());
        }
        assertThat(export(r.studyDir(), StudyExport.Format.JSONL)).isEqualTo(jsonl);
        String text = new String(jsonl, StandardCharsets.UTF_8);
        assertThat(text.lines().findFirst().orElseThrow()).startsWith("{\"kind\":\"study\",\"v\":1,\"schema_version\":1,");
        assertThat(text.lines().filter(l -> l.startsWith("{\"kind\":\"trial\",\"v\":1,")).count()).isEqualTo(33);
        try (var files = Files.list(r.studyDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(StudyStore.FILE_NAME);
        }
    }

    @Test
    void csvHasAStableHeaderAndOneQuotedRowPerTrial() throws IOException {
        Path dir = richStudy("csv");
        String csv = new String(export(dir, StudyExport.Format.CSV), StandardCharsets.UTF_8);
        List<List<String>> rows = parseCsv(csv);
        assertThat(rows.get(0)).isEqualTo(StudyExport.CSV_COLUMNS);
        assertThat(rows).hasSize(34);
        assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(StudyExport.CSV_COLUMNS.size()));
        List<String> odd = rows.get(32);
        int col = StudyExport.CSV_COLUMNS.indexOf("key");
        assertThat(odd.get(col)).isEqualTo("odd,key \"q\"");
        assertThat(odd.get(StudyExport.CSV_COLUMNS.indexOf("failure")))
                .isEqualTo("loss \"exploded\", at step 1\nsecond line, é 😀");
        assertThat(odd.get(StudyExport.CSV_COLUMNS.indexOf("final_train_loss"))).isEqualTo("Infinity");
        assertThat(odd.get(StudyExport.CSV_COLUMNS.indexOf("valid_loss"))).isEmpty();
        assertThat(odd.get(StudyExport.CSV_COLUMNS.indexOf("budget_max_training_flops"))).isEqualTo("1.0E18");
        assertThat(odd.get(StudyExport.CSV_COLUMNS.indexOf("status"))).isEqualTo("diverged");
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            List<TrialRecord> trials = s.trials();
            for (int i = 0; i < trials.size(); i++) {
                assertThat(rows.get(i + 1)).isEqualTo(StudyExport.csvRow(trials.get(i)));
            }
        }
    }

    @Test
    void exportToFileIsAtomicAndReplacesAnOldFile() throws IOException {
        Path dir = richStudy("file");
        Path out = Files.writeString(tmp.resolve("out.csv"), "old content");
        StudyExport.toFile(dir, StudyExport.Format.CSV, out);
        assertThat(Files.readAllBytes(out)).isEqualTo(export(dir, StudyExport.Format.CSV));
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
        }
        assertThatThrownBy(() -> StudyExport.toFile(dir, StudyExport.Format.CSV, tmp.resolve("no/such/out.csv")))
                .isInstanceOf(StoreException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> StudyExport.Format.parse("xml")).hasMessage("--format must be jsonl or csv, got 'xml'");
    }

    @Test
    void badImportsNameTheLineAndLeaveNothingBehind() throws IOException {
        Path dir = richStudy("bad");
        List<String> lines = new String(export(dir, StudyExport.Format.JSONL), StandardCharsets.UTF_8).lines().toList();
        record Case(String name, List<String> lines, String message) {
        }
        List<String> dup = new ArrayList<>(lines);
        dup.add(2, lines.get(1));
        List<String> broken = new ArrayList<>(lines);
        broken.set(2, lines.get(2).substring(0, 40));
        List<String> badField = new ArrayList<>(lines);
        badField.set(3, lines.get(3).replace("\"rung\":", "\"rung\":\"x\",\"was\":"));
        List<String> newer = new ArrayList<>(lines);
        newer.set(0, lines.get(0).replace("\"schema_version\":1", "\"schema_version\":9"));
        List<String> studyV99 = new ArrayList<>(lines);
        studyV99.set(0, lines.get(0).replaceFirst("\"v\":1", "\"v\":99"));
        List<String> trialV99 = new ArrayList<>(lines);
        trialV99.set(1, lines.get(1).replaceFirst("\"v\":1", "\"v\":99"));
        List<String> unknown = new ArrayList<>(lines);
        unknown.add("{\"kind\":\"banana\"}");
        List<Case> cases = List.of(
                new Case("dup", dup, ":3: trial key 'k0' appears twice"),
                new Case("broken", broken, ":3: not valid JSON"),
                new Case("field", badField, ":4: /rung: must be a 32-bit integer, got \"x\""),
                new Case("newer", newer, ":1: exported from store schema 9, newer than the schema 1"),
                // One rule for the study line and the trial lines: a value version this Sublayer does not read.
                new Case("study-v99", studyV99, ":1: /v: value version 99 is not supported (this Sublayer reads "
                        + "version 1; upgrade Sublayer)"),
                new Case("trial-v99", trialV99, ":2: /v: value version 99 is not supported (this Sublayer reads "
                        + "version 1; upgrade Sublayer)"),
                new Case("unknown", unknown, ": /kind must be one of [study, trial, generation, event], got \"banana\""),
                new Case("headless", lines.subList(1, lines.size()), ":1: the first line must be the study line"),
                new Case("empty", List.of(), "empty file"));
        for (Case c : cases) {
            Path file = Files.write(tmp.resolve(c.name() + ".jsonl"), c.lines());
            Path target = tmp.resolve("target-" + c.name());
            assertThatThrownBy(() -> StudyImport.jsonl(file, target)).as(c.name())
                    .isInstanceOf(StoreException.class).hasMessageContaining(file.toString())
                    .hasMessageContaining(c.message());
            assertThat(target).as(c.name() + ": the directory made for the import is removed again").doesNotExist();
        }
        Path nested = tmp.resolve("new/parents/study");
        assertThatThrownBy(() -> StudyImport.jsonl(Files.write(tmp.resolve("again.jsonl"), broken), nested))
                .isInstanceOf(StoreException.class);
        assertThat(tmp.resolve("new")).as("parents made for the import").doesNotExist();
        Path existing = Files.createDirectories(tmp.resolve("existing"));
        assertThatThrownBy(() -> StudyImport.jsonl(tmp.resolve("again.jsonl"), existing))
                .isInstanceOf(StoreException.class);
        assertThat(existing).as("a directory the user made stays").isEmptyDirectory();
        Path good = Files.write(tmp.resolve("good.jsonl"), lines);
        assertThatThrownBy(() -> StudyImport.jsonl(good, dir)).isInstanceOf(StoreException.class)
                .hasMessageContaining("already holds");
        assertThatThrownBy(() -> StudyImport.jsonl(tmp.resolve("missing.jsonl"), tmp.resolve("t2")))
                .hasMessageContaining("the file does not exist");
    }

    @Test
    void aCopyLeftByAKilledCompactionIsRemovedWhenTheStudyIsNextOpenedForWriting() throws IOException {
        Path dir = richStudy("killed-compact");
        byte[] store = Files.readAllBytes(StudyStore.studyFile(dir));
        // What a compaction killed mid-copy leaves: part of a store under the temporary name.
        Path left = Files.write(dir.resolve(StoreFile.TMP_PREFIX + "8151872410925463410" + StoreFile.TMP_SUFFIX),
                java.util.Arrays.copyOf(store, store.length / 2));
        Path unrelated = Files.writeString(dir.resolve("notes.tmp"), "mine");
        try (StudyStore reader = StudyStore.openReadOnly(dir)) {
            assertThat(reader.trialCount()).isPositive();
        }
        assertThat(left).as("a reader changes nothing").exists();
        try (StudyStore writer = StudyStore.openForWriting(dir)) {
            assertThat(writer.trialCount()).isPositive();
        }
        assertThat(left).doesNotExist();
        assertThat(unrelated).exists();
        StudyMaintenance.compact(dir);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(StudyStore.FILE_NAME,
                    "notes.tmp");
        }
    }

    @Test
    void compactionShrinksTheFileAndKeepsTheContent() throws IOException {
        Path dir = tmp.resolve("compact");
        Random rnd = new Random(3);
        try (StudyStore s = StudyStore.create(dir, Fixtures.info("compact"), StudyStore.Durability.COMMIT)) {
            for (int i = 0; i < 300; i++) {
                s.putTrial(Fixtures.running(rnd, "k" + i, i / 50, 0));
                s.putTrial(Fixtures.finished(rnd, "k" + i, i / 50, 0, 50));
            }
        }
        byte[] before = export(dir, StudyExport.Format.JSONL);
        StudyMaintenance.Compaction c = StudyMaintenance.compact(dir);
        assertThat(c.bytesAfter()).isLessThan(c.bytesBefore());
        assertThat(c.bytesAfter()).isEqualTo(Files.size(dir.resolve(StudyStore.FILE_NAME)));
        assertThat(c.summary()).contains(" -> ").contains("bytes");
        assertThat(export(dir, StudyExport.Format.JSONL)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(StudyStore.FILE_NAME);
        }
        try (StudyStore w = StudyStore.openForWriting(dir)) {
            assertThat(w.trialCount()).isEqualTo(300);
            assertThatThrownBy(() -> StudyMaintenance.compact(dir)).isInstanceOf(StudyInUseException.class);
            assertThatThrownBy(() -> StudyMaintenance.info(dir)).isInstanceOf(StudyInUseException.class);
        }
        StudyMaintenance.StoreInfo info = StudyMaintenance.info(dir);
        assertThat(info.schemaVersion()).isEqualTo(1);
        assertThat(info.trials()).isEqualTo(300);
        assertThat(info.byStatus().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(300);
        assertThat(info.byStatus().get(TrialStatus.RUNNING)).isZero();
        assertThat(info.generations()).isZero();
        assertThat(info.lastGeneration()).isEmpty();
        assertThat(info.events()).isEqualTo(1 + 600 + 1);
        assertThat(info.study().name()).isEqualTo("compact");
        assertThat(info.fileBytes()).isEqualTo(Files.size(dir.resolve(StudyStore.FILE_NAME)));
    }

    /** A strict RFC 4180 reader, independent of the writer under test. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        assertThat(cell).isEmpty();
        assertThat(row).isEmpty();
        return rows;
    }
}
