package dev.sublayer.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sublayer.trial.CurvePoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrialCheckpointTest {

    @TempDir
    Path dir;

    private static TrialCheckpoint checkpoint(String fingerprint) {
        Trainer.State state = new Trainer.State.Builder()
                .add("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}, new float[] {.1f, .2f, .3f, .4f, .5f, .6f},
                        new float[] {6, 5, 4, 3, 2, 1})
                .add("b", new long[] {3}, new float[] {-1, 0, 1}, new float[3], new float[] {1e-9f, 2e-9f, 3e-9f})
                .build();
        return new TrialCheckpoint(fingerprint, 6, 768, 1.25, 3.5e6, 10.5, 2,
                List.of(new CurvePoint(4, 512, 1.0, 5.4, Double.NaN)), state);
    }

    @Test
    void aCopyWithAnotherFingerprintHoldsTheSameRun() throws IOException {
        Path from = dir.resolve("old.ckpt");
        Path to = dir.resolve("new.ckpt");
        TrialCheckpoint original = checkpoint("old fingerprint | seed=1");
        original.write(from);
        assertThat(CheckpointHeader.fingerprintOf(from)).isEqualTo("old fingerprint | seed=1");

        CheckpointHeader.copyWithFingerprint(from, to, "sublayer-trial-key-v2 dl4j {\"seed\":1}");

        assertThat(CheckpointHeader.fingerprintOf(to)).isEqualTo("sublayer-trial-key-v2 dl4j {\"seed\":1}");
        TrialCheckpoint a = TrialCheckpoint.read(from);
        TrialCheckpoint b = TrialCheckpoint.read(to);
        assertThat(b.steps()).isEqualTo(a.steps());
        assertThat(b.tokens()).isEqualTo(a.tokens());
        assertThat(b.trainSeconds()).isEqualTo(a.trainSeconds());
        assertThat(b.trainingFlops()).isEqualTo(a.trainingFlops());
        assertThat(b.pendingLoss()).isEqualTo(a.pendingLoss());
        assertThat(b.pendingSteps()).isEqualTo(a.pendingSteps());
        assertThat(b.curve()).isEqualTo(a.curve());
        assertThat(b.state().shapes()).containsOnlyKeys("w", "b");
        for (String name : List.of("w", "b")) {
            assertThat(b.state().shapes().get(name)).isEqualTo(a.state().shapes().get(name));
            assertThat(b.state().weights().get(name)).isEqualTo(a.state().weights().get(name));
            assertThat(b.state().first().get(name)).isEqualTo(a.state().first().get(name));
            assertThat(b.state().second().get(name)).isEqualTo(a.state().second().get(name));
        }
        assertThat(Files.list(dir)).containsExactlyInAnyOrder(from, to); // no temporary file left
    }

    @Test
    void aFileThatIsNoCheckpointIsRefused() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.ckpt"), "a|b|c");
        assertThatThrownBy(() -> CheckpointHeader.fingerprintOf(junk)).isInstanceOf(IOException.class)
                .hasMessageContaining("is not a Sublayer checkpoint");
        assertThatThrownBy(() -> CheckpointHeader.copyWithFingerprint(junk, dir.resolve("x.ckpt"), "f"))
                .isInstanceOf(IOException.class);
        assertThat(Files.list(dir)).containsExactly(junk);
    }
}
