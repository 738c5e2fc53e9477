package dev.sublayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyStore;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.testing.SlowTest;
import dev.sublayer.testing.SmallDisk;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study on a disk that fills up, for real (a small tmpfs; skipped, named, where it cannot be mounted): the search
 * stops naming the full disk and the file (exit 2), a resume on the still-full disk says the same, and once space
 * is freed the study resumes to the very front an uninterrupted run finds, with no trial failed for lack of space
 * and no partial checkpoint left.
 */
@NativeTest
@SlowTest
class DiskFullTest {

    /** Checkpoints of about 360 KB (d_model 32): the store's commits fit in the space left, a checkpoint does not. */
    private static final String STUDY = """
            name: full
            seed: 3
            search_space: {depth: {min: 2, max: 4}, ffn_widths: [64, 128], heads: [2], residual: [true], d_model: [32], context: 16}
            data: {corpus: europarl, batch_size: 4, validation_batches: 1}
            fidelity: {rungs: [{max_steps: 5}, {max_steps: 10}], keep_fraction: 0.34}
            search: {strategy: nsga2, population: 4, template_depths: [4]}
            budget: {max_trials: 8}
            reevaluation: {seeds: 1, max_candidates: 1}
            report: {every_generation: false}
            workers: {count: 1, threads: 1, heap: 256m}
            """;

    @TempDir
    Path tmp;

    @Test
    void aFullDiskStopsTheStudyNamingItAndOnceFreedTheStudyResumesToTheUninterruptedFront() throws Exception {
        Path config = Files.writeString(tmp.resolve("full.yaml"), STUDY);
        Path logs = tmp.resolve("logs");
        try (SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), 4096)) {
            Path dir = disk.dir().resolve("study");
            disk.fillLeaving(200 * 1024);

            CliProcess first = CliProcess.run(logs, "first", "search", config.toString(), "--dir", dir.toString());
            String said = first.out() + first.err();
            assertThat(first.process().exitValue()).as(said).isEqualTo(2);
            assertThat(said).contains("no space left on device: " + dir)
                    .doesNotContain("Self-suppression", "FileChannelImpl", "Failed to render");

            CliProcess stillFull = CliProcess.run(logs, "still-full", "resume", dir.toString());
            said = stillFull.out() + stillFull.err();
            assertThat(stillFull.process().exitValue()).as(said).isEqualTo(2);
            assertThat(said).contains("no space left on device: " + dir).doesNotContain("Self-suppression");

            disk.free();
            CliProcess freed = CliProcess.run(logs, "freed", "resume", dir.toString());
            assertThat(freed.process().exitValue()).as(freed.err()).isZero();
            try (StudyStore s = StudyStore.openReadOnly(dir)) {
                assertThat(s.trials()).allSatisfy(t -> {
                    assertThat(t.status()).isIn(TrialStatus.COMPLETED, TrialStatus.INTERRUPTED);
                    if (t.status() != TrialStatus.INTERRUPTED) {
                        assertThat(t.result().failure()).doesNotContain("space");
                    }
                });
            }
            try (Stream<Path> left = Files.list(dir.resolve("checkpoints"))) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .noneMatch(n -> n.endsWith(".partial") || n.endsWith(".tmp"));
            }

            CliProcess straight = CliProcess.run(logs, "straight", "search", config.toString(), "--dir",
                    tmp.resolve("straight").toString());
            assertThat(straight.process().exitValue()).as(straight.err()).isZero();
            assertThat(front(freed.out())).isNotEmpty().isEqualTo(front(straight.out()));
        }
    }

    /** The front table's rows of a search's output. */
    private static List<String> front(String out) {
        return out.lines().filter(l -> l.matches("\\s*\\d+\\s+\\S.*")).toList();
    }
}
