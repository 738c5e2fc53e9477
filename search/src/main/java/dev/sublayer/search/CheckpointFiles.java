package dev.sublayer.search;

import dev.sublayer.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The checkpoint files of a study's trials, which let a promoted trial continue from its lower rung. An engine
 * writes a checkpoint under its {@linkplain #partial partial name}; only a trial that completed has it
 * {@linkplain #publish published} under the final name, so a checkpoint under the final name is always whole.
 * Checkpoints that no rung will continue from are deleted. Every failure here is logged, never thrown: a
 * missing checkpoint only means the next rung trains from scratch.
 */
final class CheckpointFiles {

    private static final Logger LOG = LogManager.getLogger(CheckpointFiles.class);

    private final StudyContext context;

    CheckpointFiles(StudyContext context) {
        this.context = context;
    }

    /** Where the engine writes the checkpoint {@code checkpoint} until it is published. */
    static Path partial(Path checkpoint) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + ".partial");
    }

    /** Makes a checkpoint the engine wrote under its partial name visible, atomically. */
    void publish(Path checkpoint) {
        Path tmp = partial(checkpoint);
        if (!Files.exists(tmp)) {
            LOG.debug("engine wrote no checkpoint at {}", tmp);
            return;
        }
        try {
            replace(tmp, checkpoint);
        } catch (IOException e) {
            LOG.warn("cannot publish checkpoint {}: {}", checkpoint, e.getMessage());
        }
    }

    /**
     * Moves the finished {@code source} over {@code target} ({@link AtomicFiles#replace}). A rename replaces a file
     * with a file in one step, but cannot put a directory in a file's place or replace a non-empty directory, so
     * where either is a directory the old checkpoint is deleted first.
     */
    private static void replace(Path source, Path target) throws IOException {
        if (Files.isDirectory(target) || Files.isDirectory(source)) {
            deleteQuietly(target);
        }
        AtomicFiles.replace(source, target);
    }

    /**
     * Deletes what trials of an earlier session left unfinished in the checkpoint directory: checkpoints under their
     * {@linkplain #partial partial name} (never published: their trial did not complete in that session) and the
     * temporary files of checkpoint writes that a kill or a full disk interrupted ({@code .*.tmp}). Only while no
     * trial of the study runs: at the start of a session.
     */
    void removeLeftovers() {
        Path dir = context.checkpointDirectory();
        if (!Files.isDirectory(dir)) {
            return;
        }
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".partial") || name.endsWith(".tmp")) {
                    deleteQuietly(p);
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the checkpoints in {}: {}", dir, e.getMessage());
        }
        if (removed > 0) {
            LOG.info("removed {} partial checkpoint file(s) an earlier session left in {}", removed, dir);
        }
    }

    /** Deletes the checkpoint of trial {@code key}, if any. */
    void delete(String key) {
        deleteQuietly(context.checkpoint(key));
    }

    /** Deletes the file or directory tree {@code p}, if any. */
    static void deleteQuietly(Path p) {
        try {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(q);
                    }
                }
            } else {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", p, e.getMessage());
        }
    }
}
