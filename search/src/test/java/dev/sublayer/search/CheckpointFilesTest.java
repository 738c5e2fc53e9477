package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFilesTest {

    @TempDir
    Path tmp;

    private StudyContext context;
    private CheckpointFiles checkpoints;

    @BeforeEach
    void setUp() throws Exception {
        context = new StudyContext(TestStudies.config(TestStudies.yaml("nsga2", 1, 10, "")), tmp);
        checkpoints = new CheckpointFiles(context);
        Files.createDirectories(context.checkpointDirectory());
    }

    @Test
    void theEngineWritesBesideTheCheckpointUnderThePartialName() {
        Path c = context.checkpoint("abc");
        assertThat(CheckpointFiles.partial(c)).isEqualTo(context.checkpointDirectory().resolve("abc.ckpt.partial"));
    }

    @Test
    void publishingReplacesAnOlderCheckpointWithThePartialOne() throws Exception {
        Path c = context.checkpoint("abc");
        Files.writeString(c, "old");
        Files.writeString(CheckpointFiles.partial(c), "new");
        checkpoints.publish(c);
        assertThat(c).hasContent("new");
        assertThat(CheckpointFiles.partial(c)).doesNotExist();
    }

    @Test
    void publishingReplacesAnOlderCheckpointDirectory() throws Exception {
        Path c = context.checkpoint("abc");
        Files.createDirectories(c.resolve("inner"));
        Files.writeString(c.resolve("inner").resolve("weights"), "old");
        Files.writeString(CheckpointFiles.partial(c), "new");
        checkpoints.publish(c);
        assertThat(c).isRegularFile().hasContent("new");
    }

    @Test
    void publishingReplacesAnOlderCheckpointFileWithAPartialDirectory() throws Exception {
        Path c = context.checkpoint("abc");
        Files.writeString(c, "old");
        Path partial = Files.createDirectories(CheckpointFiles.partial(c).resolve("inner"));
        Files.writeString(partial.resolve("weights"), "new");
        checkpoints.publish(c);
        assertThat(c.resolve("inner").resolve("weights")).hasContent("new");
        assertThat(CheckpointFiles.partial(c)).doesNotExist();
    }

    @Test
    void withoutAPartialCheckpointPublishingLeavesThePreviousOne() throws Exception {
        Path c = context.checkpoint("abc");
        Files.writeString(c, "old");
        checkpoints.publish(c);
        assertThat(c).hasContent("old");
        checkpoints.publish(context.checkpoint("none"));
        assertThat(context.checkpoint("none")).doesNotExist();
    }

    @Test
    void deletingRemovesAFileOrATreeAndToleratesNothing() throws Exception {
        Path c = context.checkpoint("abc");
        Files.writeString(c, "x");
        checkpoints.delete("abc");
        assertThat(c).doesNotExist();
        Path d = context.checkpoint("dir");
        Files.createDirectories(d.resolve("a").resolve("b"));
        Files.writeString(d.resolve("a").resolve("b").resolve("w"), "x");
        checkpoints.delete("dir");
        assertThat(d).doesNotExist();
        checkpoints.delete("missing");
        CheckpointFiles.deleteQuietly(tmp.resolve("no").resolve("such"));
        assertThat(context.checkpointDirectory()).isEmptyDirectory();
    }
}
