package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.CheckpointHeader;
import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.TrialIdentity;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.worker.WorkerMain;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.testing.SlowTest;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default path of a study's trials, as the {@code sublayer} command wires it: {@link DefaultExecutors} starts a
 * real worker JVM (the evaluator's {@link WorkerMain}) with the dl4j engine, and both ends speak the evaluator's
 * {@code WorkerProtocol}.
 */
@NativeTest
@SlowTest
class DefaultWorkerTest {

    @TempDir
    Path tmp;

    private static final String YAML = """
            name: worker
            seed: 2
            search_space:
              depth: {min: 2, max: 2}
              kinds: [attention, ffn]
              ffn_widths: [16]
              heads: [2]
              residual: [true]
              d_model: [16]
              context: 16
            data: {corpus: europarl, batch_size: 2, validation_batches: 1}
            training: {engine: dl4j, learning_rate: 0.003, warmup_steps: 1, schedule_steps: 8}
            fidelity:
              rungs: [{max_steps: 2}, {max_steps: 4}]
            workers: {count: 1, threads: 1, heap: 512m}
            """;

    private static TrialResult train(TrialExecutor executor, TrialTask task) throws Exception {
        CompletableFuture<TrialResult> f = new CompletableFuture<>();
        executor.submit(task, new TrialCallback() {
            @Override
            public void started(String worker) {
            }

            @Override
            public void finished(TrialResult result) {
                f.complete(result);
            }

            @Override
            public void cancelled() {
                f.completeExceptionally(new AssertionError("cancelled"));
            }
        });
        return f.get(300, TimeUnit.SECONDS);
    }

    @Test
    void aWorkerJvmTrainsWithTheDl4jEngineAndContinuesItsOwnCheckpoint() throws Exception {
        StudyConfig config = StudyConfigReader.read(YAML);
        StudyContext context = new StudyContext(config, tmp.resolve("study"));
        Architecture a = Notation.parse("d16 n16 pre: A2 F16");
        TrialRequest rung0 = context.request(a, 0, 0);
        Path checkpoint = context.checkpoint(context.key(a, 0, 0));
        DefaultExecutors executors = DefaultExecutors.of(Engines::create, WorkerMain.class.getName());
        try (TrialExecutor executor = executors.create(context)) {
            assertThat(executor).isInstanceOf(WorkerPoolExecutor.class);

            TrialResult first = train(executor, new TrialTask(context.key(a, 0, 0), rung0, Optional.empty(),
                    Optional.of(checkpoint), 300));
            assertThat(first.status()).as(first.failure()).isEqualTo(TrialStatus.COMPLETED);
            assertThat(first.metrics().steps()).isEqualTo(2);
            assertThat(first.metrics().validBitsPerByte()).isFinite().isPositive();
            assertThat(first.provenance().engine()).isEqualTo("dl4j");
            assertThat(CheckpointHeader.fingerprintOf(checkpoint))
                    .isEqualTo(TrialIdentity.checkpointFingerprint("dl4j", rung0));

            TrialResult second = train(executor, new TrialTask(context.key(a, 1, 0), context.request(a, 1, 0),
                    Optional.of(checkpoint), Optional.empty(), 300));
            assertThat(second.status()).as(second.failure()).isEqualTo(TrialStatus.COMPLETED);
            assertThat(second.metrics().steps()).isEqualTo(4);
            assertThat(second.metrics().validBitsPerByte()).isFinite().isPositive();
            assertThat(second.provenance().engine()).isEqualTo("dl4j");
        }
        assertThat(tmp.resolve("study/logs/worker-1.log")).exists();
    }
}
