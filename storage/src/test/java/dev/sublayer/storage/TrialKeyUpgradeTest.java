package dev.sublayer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialKeyUpgradeTest {

    private static final String V1 = StudyStore.LEGACY_TRIAL_KEY_VERSION;
    private static final String V2 = "sublayer-trial-key-v2";

    @TempDir
    Path tmp;

    /** A closed v1 study (no recorded key version) with trials k0..k{n-1}, two generations and its events. */
    private Path study(int trials) {
        Path dir = tmp.resolve("s");
        Random rnd = new Random(11);
        try (StudyStore s = StudyStore.create(dir, Fixtures.info("s"))) {
            for (int i = 0; i < trials; i++) {
                s.putTrial(i == trials - 1 ? Fixtures.running(rnd, "k" + i, 1, 0)
                        : Fixtures.finished(rnd, "k" + i, i / 2, i % 2, 3));
            }
            s.putGeneration(Fixtures.generation(rnd, 0, 3));
            s.putGeneration(Fixtures.generation(rnd, 1, 3));
        }
        return dir;
    }

    private static Map<String, String> renamed(StudyStore s) {
        Map<String, String> keys = new LinkedHashMap<>();
        s.trialKeys().forEach(k -> keys.put(k, "new-" + k));
        return keys;
    }

    @Test
    void storesWithoutARecordedVersionAreVersionOneAndNewStoresRecordTheirs() {
        Path dir = study(1);
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trialKeyVersion()).isEqualTo(V1);
        }
        try (StudyStore s = StudyStore.create(tmp.resolve("t"), Fixtures.info("t"), V2)) {
            assertThat(s.trialKeyVersion()).isEqualTo(V2);
        }
        try (StudyStore s = StudyStore.openForWriting(tmp.resolve("t"))) {
            assertThat(s.trialKeyVersion()).isEqualTo(V2);
        }
    }

    @Test
    void reKeysEveryTrialInPlaceOfItsOldKeyAfterABackupAndLogsIt() throws IOException {
        Path dir = study(5);
        byte[] original = Files.readAllBytes(StudyStore.studyFile(dir));
        List<TrialRecord> before;
        List<GenerationRecord> generations;
        List<StudyEvent> events;
        Map<String, String> keys;
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            before = s.trials();
            generations = s.generations();
            events = s.events();
            keys = renamed(s);
        }

        TrialKeyUpgrade.Result r = TrialKeyUpgrade.rekey(dir, V1, V2, keys, "3 checkpoints carried over");

        Path backup = dir.resolve("study.mv.db.v1.bak");
        assertThat(r.backup()).isEqualTo(backup);
        assertThat(Files.readAllBytes(backup)).isEqualTo(original);
        assertThat(r.trials()).isEqualTo(5);
        assertThat(r.superseded()).isZero();
        assertThat(r.message()).isEqualTo("trial keys upgraded v1 -> v2: 5 trials, 3 checkpoints carried over, "
                + "backup at " + backup);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("study.mv.db",
                    "study.mv.db.v1.bak");
        }
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trialKeyVersion()).isEqualTo(V2);
            assertThat(s.trials()).isEqualTo(before.stream().map(t -> t.withKey("new-" + t.key())).toList());
            assertThat(s.trial("new-k2")).contains(before.get(2).withKey("new-k2"));
            assertThat(s.trial("k2")).isEmpty();
            assertThat(s.generations()).isEqualTo(generations);
            assertThat(s.events()).hasSize(events.size() + 1).startsWith(events.toArray(StudyEvent[]::new));
            assertThat(s.events().getLast().type()).isEqualTo(TrialKeyUpgrade.EVENT);
            assertThat(s.events().getLast().message()).isEqualTo(r.message());
            assertThat(s.info()).isEqualTo(Fixtures.info("s"));
        }
        // The upgraded store is an ordinary writable store; its running trial is marked interrupted as always.
        try (StudyStore s = StudyStore.openForWriting(dir)) {
            assertThat(s.trial("new-k4").orElseThrow().status()).isEqualTo(TrialStatus.INTERRUPTED);
        }
    }

    @Test
    void twoTrialsWithOneNewKeyBecomeTheLaterUnlessOnlyTheEarlierCompleted() {
        Path dir = tmp.resolve("dup");
        Random rnd = new Random(3);
        List<TrialRecord> before = List.of(completed(rnd, "k0"), completed(rnd, "k1"), completed(rnd, "k2"),
                Fixtures.running(rnd, "k3", 0, 0));
        try (StudyStore s = StudyStore.create(dir, Fixtures.info("dup"))) {
            before.forEach(s::putTrial);
        }
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("k0", "a");
        keys.put("k1", "b");
        keys.put("k2", "a"); // completed, later: replaces k0 in its place
        keys.put("k3", "b"); // running, later: k1 (completed) stays
        TrialKeyUpgrade.Result r = TrialKeyUpgrade.rekey(dir, V1, V2, keys, "");
        assertThat(r.superseded()).isEqualTo(2);
        assertThat(r.message()).startsWith("trial keys upgraded v1 -> v2: 4 trials (2 superseded by a later trial of "
                + "the same key), backup at ");
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trials()).containsExactly(before.get(2).withKey("a"), before.get(1).withKey("b"));
        }
    }

    private static TrialRecord completed(Random rnd, String key) {
        TrialRecord t = Fixtures.finished(rnd, key, 0, 0, 2);
        TrialResult r = t.result();
        return t.finish(new TrialResult(TrialStatus.COMPLETED, Fixtures.metrics(rnd), r.curve(), "", r.provenance()),
                t.finished());
    }

    @Test
    void aFailedUpgradeLeavesTheStoreAsItWas() throws IOException {
        Path dir = study(3);
        byte[] original = Files.readAllBytes(StudyStore.studyFile(dir));
        Map<String, String> partial = Map.of("k0", "a", "k1", "b");
        assertThatThrownBy(() -> TrialKeyUpgrade.rekey(dir, V1, V2, partial, ""))
                .isInstanceOf(StoreException.class).hasMessageContaining("trial k2 has no new key");
        assertThatThrownBy(() -> TrialKeyUpgrade.rekey(dir, V2, "sublayer-trial-key-v3", Map.of(), ""))
                .isInstanceOf(StoreException.class).hasMessageContaining("its keys are " + V1);
        assertThat(Files.readAllBytes(StudyStore.studyFile(dir))).isEqualTo(original);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("study.mv.db");
        }
    }

    @Test
    void aStudyInUseIsNotUpgraded() {
        Path dir = study(2);
        try (StudyStore writer = StudyStore.openForWriting(dir)) {
            Map<String, String> keys = Map.of("k0", "a", "k1", "b");
            assertThatThrownBy(() -> TrialKeyUpgrade.rekey(dir, V1, V2, keys, ""))
                    .isInstanceOf(StudyInUseException.class);
        }
    }

    @Test
    void anExportCarriesTheKeyVersionIntoTheImportedStudy() throws IOException {
        Path dir = study(2);
        Map<String, String> keys;
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            keys = renamed(s);
        }
        TrialKeyUpgrade.rekey(dir, V1, V2, keys, "");
        StringWriter out = new StringWriter();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            StudyExport.jsonl(s, out);
        }
        assertThat(out.toString().lines().findFirst().orElseThrow()).contains("\"trial_key_version\":\"" + V2 + "\"");
        Path file = Files.writeString(tmp.resolve("export.jsonl"), out.toString());
        StudyImport.jsonl(file, tmp.resolve("imported"));
        try (StudyStore s = StudyStore.openReadOnly(tmp.resolve("imported"))) {
            assertThat(s.trialKeyVersion()).isEqualTo(V2);
        }
        // An export of a store that recorded no version (0.1.0) imports as version 1.
        String old = out.toString().replace(",\"trial_key_version\":\"" + V2 + "\"", "");
        StudyImport.jsonl(Files.writeString(tmp.resolve("old.jsonl"), old), tmp.resolve("old"));
        try (StudyStore s = StudyStore.openReadOnly(tmp.resolve("old"))) {
            assertThat(s.trialKeyVersion()).isEqualTo(V1);
        }
    }
}
