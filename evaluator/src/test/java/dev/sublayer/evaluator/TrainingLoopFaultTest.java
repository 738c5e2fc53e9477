package dev.sublayer.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import dev.sublayer.testing.SmallDisk;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.FailureCause;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trial that a fault of the machine cuts off (the disk fills while its checkpoint is written) ends as an
 * infrastructure failure naming the file, not as its candidate's failure; a fault of its own stays the candidate's.
 */
class TrainingLoopFaultTest {

    @TempDir
    Path tmp;

    /** A trainer without an engine: constant losses, and a state of {@code floats} weights to checkpoint. */
    private record FixedTrainer(int floats) implements Trainer {
        @Override
        public long parameterCount() {
            return floats;
        }

        @Override
        public Step step(Batch batch, double learningRate) {
            return new Step(2.0, 1.0);
        }

        @Override
        public Evaluation evaluate(Batch batch) {
            return new Evaluation(2.0, 1, 4);
        }

        @Override
        public State state() {
            return new State.Builder().add("w", new long[] {floats}, new float[floats], new float[floats],
                    new float[floats]).build();
        }

        @Override
        public void restore(State state, long steps) {
        }

        @Override
        public void close() {
        }
    }

    private static TrialResult train(Optional<Path> checkpointTo) {
        Architecture a = Notation.parse("A2 F16", 16, 16, NormPlacement.PRE);
        TrialRequest request = new TrialRequest(a, DataConfig.defaults().withBatchSize(2), TrainingConfig.defaults(),
                Budget.steps(3), 1);
        return TrainingLoop.train(request, TrialListener.NONE, Provenances.of("fixed", "none", "cpu"), "fixed",
                shape -> new FixedTrainer(64 * 1024), Optional.empty(), checkpointTo);
    }

    @Test
    void aCheckpointOnAFullDiskIsAnInfrastructureFailureNamingTheFile() throws IOException {
        try (SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), 2048)) {
            disk.fillLeaving(16 * 1024);
            Path ckpt = disk.dir().resolve("checkpoints").resolve("k.ckpt.partial");
            TrialResult r = train(Optional.of(ckpt));
            assertThat(r.status()).isEqualTo(TrialStatus.FAILED);
            assertThat(r.cause()).isEqualTo(FailureCause.INFRASTRUCTURE);
            assertThat(r.failure()).isEqualTo("no space left on device: " + ckpt.toAbsolutePath());
            try (Stream<Path> left = Files.list(ckpt.getParent())) {
                assertThat(left).as("no partial or temporary checkpoint is left").isEmpty();
            }
            disk.free();
            TrialResult again = train(Optional.of(ckpt));
            assertThat(again.status()).as(again.failure()).isEqualTo(TrialStatus.COMPLETED);
            assertThat(again.cause()).isEqualTo(FailureCause.CANDIDATE);
            assertThat(ckpt).exists();
        }
    }

    @Test
    void refusalsOfTheFileSystemAreTheInfrastructuresAndAMissingCheckpointIsNot() {
        assertThat(TrainingLoop.byInfrastructure(new UncheckedIOException(
                new IOException("No space left on device")))).isTrue();
        assertThat(TrainingLoop.byInfrastructure(new IOException("Disk quota exceeded"))).isTrue();
        assertThat(TrainingLoop.byInfrastructure(new AccessDeniedException("/runs/s/checkpoints"))).isTrue();
        assertThat(TrainingLoop.byInfrastructure(new NoSuchFileException("/runs/s/checkpoints/k.ckpt"))).isFalse();
        assertThat(TrainingLoop.byInfrastructure(new IllegalStateException("shape mismatch"))).isFalse();
    }
}
