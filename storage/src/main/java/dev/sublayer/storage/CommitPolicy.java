package dev.sublayer.storage;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * How a store's changes reach the disk: each mutating call's changes are one MVStore commit, forced to the disk
 * under {@link StudyStore.Durability#SYNC}, rolled back as a unit if they fail; and every
 * {@value #COMPACT_EVERY} commits a round of chunk compaction. Not thread-safe: its store serialises every
 * call.
 */
final class CommitPolicy {

    /** Commits between two rounds of chunk compaction. */
    static final int COMPACT_EVERY = 100;
    /** Chunks filled below this percentage are rewritten by a compaction round. */
    private static final int COMPACT_FILL_RATE = 80;
    /** The most bytes one compaction round rewrites. */
    private static final int COMPACT_WRITE_LIMIT = 16 << 20;
    // The store's logger: these lines are about the study, wherever in the store they are decided.
    private static final Logger LOG = LogManager.getLogger(StudyStore.class);

    private final StoreFile where;
    private final MVStore store;
    private final StudyStore.Durability durability;
    private int commitsSinceCompaction;
    private int compactEvery = COMPACT_EVERY;
    private int compactionsDone;

    CommitPolicy(StoreFile where, MVStore store, StudyStore.Durability durability) {
        this.where = where;
        this.store = store;
        this.durability = durability;
        if (durability == StudyStore.Durability.SYNC) {
            // Every commit is forced to disk before the next one, so a chunk that no longer holds live data can
            // be reused at once. Without the fsync, MVStore's default grace period (45 s, for the OS to flush)
            // must stay, or a power cut could find a reused chunk still referenced by the durable state.
            store.setRetentionTime(0);
        }
    }

    /** Runs the changes and commits them as one unit; on failure rolls back to the last commit. */
    void mutate(Runnable changes) {
        try {
            changes.run();
            commit();
        } catch (RuntimeException e) {
            try {
                store.rollback();
            } catch (RuntimeException suppressed) {
                // A store that failed to write (a full disk) is closed, and its rollback rethrows that very failure.
                if (suppressed != e) {
                    e.addSuppressed(suppressed);
                }
            }
            throw where.translateAny(e);
        }
        maybeCompact();
    }

    /** Commits what is pending and, under {@code SYNC}, forces it to the disk. */
    void commit() {
        store.commit();
        if (durability == StudyStore.Durability.SYNC) {
            store.sync();
        }
    }

    /**
     * Merges the small chunks that one-commit-per-trial produces. MVStore keeps one metadata entry per live
     * chunk and rewrites part of that table on every commit, so without this the file grows by ~35 KB per
     * trial and every commit gets slower. This is the compaction MVStore's own background writer runs; it
     * commits like any other change, so a crash during it leaves the last complete commit.
     */
    private void maybeCompact() {
        if (++commitsSinceCompaction < compactEvery) {
            return;
        }
        commitsSinceCompaction = 0;
        try {
            if (store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_LIMIT)) {
                compactionsDone++;
                if (durability == StudyStore.Durability.SYNC) {
                    store.sync();
                }
            }
        } catch (MVStoreException e) {
            // The caller's change is already committed; a failed compaction only leaves the file larger.
            LOG.warn("study {}: chunk compaction failed, the file stays larger: {}", where.dir(),
                    StoreFile.firstLine(e.getMessage()));
        }
    }

    /** Compacts every {@code commits} commits instead of every {@value #COMPACT_EVERY} (tests). */
    void compactEvery(int commits) {
        compactEvery = commits;
    }

    /** The compaction rounds that rewrote chunks since the store was opened. */
    int compactionsDone() {
        return compactionsDone;
    }
}
