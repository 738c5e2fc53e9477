package dev.sublayer.search;

import dev.sublayer.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The channel through which a budget change reaches a running search, which alone may write its store: a request
 * file, {@value #FILE_NAME}, in the study directory. {@link #request} writes it atomically (merged with a request
 * still pending: the later limits win); the search {@link #take takes} it at its next generation by renaming it to
 * a name of its own first, so a request is applied exactly once and a request written meanwhile waits for the
 * next generation. A request left when the search ends is taken by the next session as it starts.
 */
public final class BudgetRequests {

    /** The request file inside a study directory. */
    public static final String FILE_NAME = "budget-request.json";

    private static final Logger LOG = LogManager.getLogger(Search.class);

    private BudgetRequests() {
    }

    /**
     * Asks the search of the study in {@code studyDir} for {@code change}, merged with a request still pending.
     *
     * @throws IOException if the file cannot be written (the previous request, if any, is then unchanged)
     */
    public static void request(Path studyDir, BudgetChange change) throws IOException {
        Path file = studyDir.resolve(FILE_NAME);
        BudgetChange merged = change;
        try {
            merged = BudgetChange.fromJson(Files.readString(file, StandardCharsets.UTF_8)).then(change);
        } catch (NoSuchFileException e) {
            // nothing pending
        } catch (IllegalArgumentException e) {
            LOG.warn("replacing the unreadable budget request {}: {}", file, e.getMessage());
        }
        AtomicFiles.writeString(file, merged.toJson() + "\n");
    }

    /**
     * Takes the request pending for the study in {@code studyDir}, if any: it is removed, so it is applied once.
     *
     * @throws IllegalArgumentException naming the file if the request cannot be read (it is removed all the same)
     */
    static Optional<BudgetChange> take(Path studyDir) {
        Path file = studyDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Path taken = studyDir.resolve("." + FILE_NAME + "." + Long.toUnsignedString(
                ThreadLocalRandom.current().nextLong()) + ".taken");
        try {
            try {
                Files.move(file, taken, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(file, taken);
            }
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot take the budget request " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(BudgetChange.fromJson(Files.readString(taken, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the budget request " + file + " cannot be read: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(taken);
            } catch (IOException e) {
                LOG.warn("cannot delete the taken budget request {}: {}", taken, e.getMessage());
            }
        }
    }
}
