package dev.sublayer.search;

import dev.sublayer.trial.Origin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.evaluator.CheckpointHeader;
import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.TrialIdentity;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.exec.InProcessExecutor;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.space.Architecture;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialKeyUpgrade;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import dev.sublayer.testing.NativeTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a study whose trial keys are {@code sublayer-trial-key-v1} (as 0.1.0 wrote them) for writing upgrades
 * it, and nothing already trained is trained again: not a finished trial, not the lower rung of a promoted one.
 */
@NativeTest
class TrialKeyMigrationTest {

    @TempDir
    Path tmp;

    /** One fixed layout on two rungs, trained in process by the real dl4j engine (tiny: 2 and 4 steps). */
    private static final String YAML = """
            name: promoted
            seed: 5
            search_space:
              depth: {min: 2, max: 2}
              kinds: [attention, ffn]
              ffn_widths: [16]
              heads: [2]
              residual: [true]
              d_model: [16]
              context: 16
            data: {corpus: europarl, batch_size: 2, validation_batches: 1}
            training: {learning_rate: 0.003, warmup_steps: 1, schedule_steps: 8}
            fidelity:
              rungs: [{max_steps: 2}, {max_steps: 4}]
              keep_fraction: 1.0
            search:
              strategy: fixed
              seeds: 1
              layouts: [{label: pair, architecture: "A2 F16"}]
            workers: {count: 1, threads: 1, mode: in_process}
            """;

    /** What a training call was asked. */
    private record Call(TrialRequest request, Optional<Path> resumeFrom, TrialResult result) {
    }

    /** The real engine, recording its calls. */
    private record Recording(Engine engine, List<Call> calls) implements Engine {
        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom,
                                 Optional<Path> checkpointTo) {
            TrialResult r = engine.train(request, listener, resumeFrom, checkpointTo);
            calls.add(new Call(request, resumeFrom, r));
            return r;
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    private static StudyInfo info(StudyConfig config, String status) {
        return new StudyInfo(config.name(), "", config.seed(), YAML, YAML, status, Instant.parse("2026-12-01T10:00:00Z"),
                null, "sublayer search promoted.yaml", Provenances.local("dl4j"));
    }

    private static TrialRecord record(String key, TrialRequest request, int rung, TrialResult result) {
        Instant t = Instant.parse("2026-12-01T10:00:01Z");
        return TrialRecord.running(key, request.architecture().canonical(), rung, request.seed(), request.budget(), 0,
                Origin.parse("layout:pair"), "worker-1 pid 1", t, Provenances.local("dl4j")).finish(result, t.plusSeconds(1));
    }

    @Test
    void aPromotedTrialContinuesFromItsLowerRungsCheckpointAfterTheUpgrade() throws IOException {
        Path dir = tmp.resolve("study");
        StudyConfig config = StudyConfigReader.read(YAML);
        StudyContext context = new StudyContext(config, dir);
        Architecture a = config.search().layouts().getFirst().architecture();
        TrialRequest rung0 = context.request(a, 0, 0);
        TrialRequest rung1 = context.request(a, 1, 0);
        String v1Key = LegacyTrialKeys.key(a, rung0.budget(), "dl4j", rung0.training(), rung0.data(), rung0.seed());
        String v1Fingerprint = LegacyTrialKeys.checkpointFingerprint("dl4j", a, rung0.data(), rung0.training(),
                rung0.seed());

        // The study as 0.1.0 leaves it when stopped after rung 0: the trial under its v1 key, its checkpoint named
        // by that key and carrying the v1 fingerprint.
        TrialResult atRung0;
        TrialResult straight;
        try (Engine engine = Engines.create("dl4j", 1)) {
            Path written = tmp.resolve("rung0.ckpt");
            atRung0 = engine.train(rung0, TrialListener.NONE, Optional.empty(), Optional.of(written));
            straight = engine.train(rung1, TrialListener.NONE, Optional.empty(), Optional.empty());
            Files.createDirectories(context.checkpointDirectory());
            CheckpointHeader.copyWithFingerprint(written, context.checkpoint(v1Key), v1Fingerprint);
        }
        assertThat(atRung0.status()).as(atRung0.failure()).isEqualTo(TrialStatus.COMPLETED);
        try (StudyStore s = StudyStore.create(dir, info(config, "interrupted"))) { // records no key version: v1
            s.putTrial(record(v1Key, rung0, 0, atRung0));
        }

        List<Call> calls = Collections.synchronizedList(new ArrayList<>());
        SearchOutcome outcome = Search.open(config, YAML, dir, "test",
                c -> new InProcessExecutor(1, () -> new Recording(Engines.create("dl4j", 1), calls)))
                .run(SearchListener.NONE);

        assertThat(outcome.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(calls).as("only rung 1 is trained, continuing rung 0's checkpoint").hasSize(1);
        Call call = calls.getFirst();
        assertThat(call.request()).isEqualTo(rung1);
        assertThat(call.resumeFrom()).contains(context.checkpoint(context.key(a, 0, 0)));
        assertThat(call.result().status()).as(call.result().failure()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(call.result().metrics().steps()).isEqualTo(4);
        assertThat(call.result().metrics().validLoss()).isEqualTo(straight.metrics().validLoss());
        assertThat(call.result().metrics().trainingFlops()).isEqualTo(straight.metrics().trainingFlops());
        assertThat(Files.exists(context.checkpoint(v1Key))).isFalse();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trialKeyVersion()).isEqualTo(TrialIdentity.KEY_VERSION);
            assertThat(s.trialKeys()).containsExactly(context.key(a, 0, 0), context.key(a, 1, 0));
            assertThat(s.trial(context.key(a, 0, 0)).orElseThrow().result()).isEqualTo(atRung0);
            StudyEvent upgraded = s.events().stream().filter(e -> e.type().equals(TrialKeyUpgrade.EVENT))
                    .findFirst().orElseThrow();
            assertThat(upgraded.message()).isEqualTo("trial keys upgraded v1 -> v2: 1 trials, 1 checkpoint carried "
                    + "over, backup at " + dir.resolve("study.mv.db.v1.bak"));
        }
        assertThat(dir.resolve("study.mv.db.v1.bak")).exists();
    }

    @Test
    void aCheckpointThatIsNotItsTrialsIsLeftAndTheUpgradeSaysSo() throws IOException {
        Path dir = tmp.resolve("study");
        StudyConfig config = StudyConfigReader.read(YAML);
        StudyContext context = new StudyContext(config, dir);
        Architecture a = config.search().layouts().getFirst().architecture();
        TrialRequest rung0 = context.request(a, 0, 0);
        String v1Key = LegacyTrialKeys.key(a, rung0.budget(), "dl4j", rung0.training(), rung0.data(), rung0.seed());
        TrialResult done = StubEngine.result(rung0, 2);
        try (StudyStore s = StudyStore.create(dir, info(config, "interrupted"))) {
            s.putTrial(record(v1Key, rung0, 0, done));
        }
        Files.createDirectories(context.checkpointDirectory());
        Files.writeString(context.checkpoint(v1Key), "not a checkpoint");

        TrialKeyUpgrade.Result r = TrialKeyMigration.upgradeIfNeeded(dir).orElseThrow();

        assertThat(r.message()).contains("1 trials, 0 checkpoints carried over (1 not: fingerprint is not its "
                + "trial's)");
        assertThat(context.checkpoint(v1Key)).hasContent("not a checkpoint");
        assertThat(context.checkpoint(context.key(a, 0, 0))).doesNotExist();
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trialKeys()).containsExactly(context.key(a, 0, 0));
        }
        assertThat(TrialKeyMigration.upgradeIfNeeded(dir)).as("a current store is left alone").isEmpty();
    }

    @Test
    void aStoreWithAnUnknownKeyVersionIsRefusedUntouched() throws IOException {
        Path dir = tmp.resolve("study");
        StudyConfig config = StudyConfigReader.read(YAML);
        StudyStore.create(dir, info(config, "finished"), "sublayer-trial-key-v9").close();
        byte[] bytes = Files.readAllBytes(StudyStore.studyFile(dir));
        assertThatThrownBy(() -> Search.open(config, YAML, dir, "test", TestStudies.stub(new StubEngine.Counters(), 0)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("stores trial keys of version 'sublayer-trial-key-v9'")
                .hasMessageContaining("open it with the Sublayer that wrote it or a newer one");
        assertThat(Files.readAllBytes(StudyStore.studyFile(dir))).isEqualTo(bytes);
    }

    @Test
    void thePauseBeforeAnUpgradeIsNoSessionTime() {
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        List<StudyEvent> events = List.of(new StudyEvent(t0, "study_created", ""),
                new StudyEvent(t0.plusSeconds(10), "trial_finished", ""),
                new StudyEvent(t0.plusSeconds(3600), TrialKeyUpgrade.EVENT, ""),
                new StudyEvent(t0.plusSeconds(3601), "study_resumed", ""));
        assertThat(BudgetPolicy.wallSecondsBefore(events)).isEqualTo(10.0);
    }

    @Test
    void aNewStudyRecordsTheCurrentKeyVersionAndItsTrialsHaveTheRequestsKeys() {
        Path dir = tmp.resolve("new");
        String yaml = TestStudies.yaml("nsga2", 3, 6, "");
        Search.open(TestStudies.config(yaml), yaml, dir, "test", TestStudies.stub(new StubEngine.Counters(), 0))
                .run(SearchListener.NONE);
        StudyContext context = new StudyContext(TestStudies.config(yaml), dir);
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.trialKeyVersion()).isEqualTo(TrialIdentity.KEY_VERSION);
            assertThat(s.trials()).isNotEmpty().allSatisfy(t -> assertThat(t.key()).isEqualTo(context.key(
                    new TrialRequest(dev.sublayer.space.Notation.parse(t.architecture()), context.config().data(),
                            context.config().training().config(), t.budget(), t.seed(),
                            context.config().constraints()))));
        }
        assertThat(dir.resolve("study.mv.db.v1.bak")).doesNotExist();
    }
}
