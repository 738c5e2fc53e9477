package dev.sublayer.storage;

import dev.sublayer.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The snapshot a study's writer publishes for readers, {@value #FILE_NAME} beside the store: MVStore admits no
 * reader beside a writer, so while a writer has the store open it copies the store's latest commit into a
 * fresh file (the full compaction's copy: every map, values as stored) and renames it over the snapshot with
 * {@link AtomicFiles}, so a reader opens either the previous complete snapshot or the new one. The copy is
 * made under the store's lock, so it is always the state after some complete call. The snapshot's
 * {@code meta} map records when it was taken ({@value #TIME_KEY}).
 *
 * <p><b>When.</b> A daemon thread of the writer publishes at once when the store opens, then whenever something
 * was committed since the last snapshot, at most every {@link #MIN_INTERVAL}, and no more often than
 * {@value #COST_FACTOR} times the last copy took (up to {@link #MAX_INTERVAL}): a large store is copied less
 * often, so publishing costs the writer a few percent of its time. A failed publication is logged and retried; it never fails the
 * writer. Closing the writer stops the thread and deletes the snapshot: a closed study is read from its store.
 *
 * <p><b>Reading</b> ({@link StudyStore#openForReading}): a study no writer holds is read from its store; one that
 * a writer holds, from the snapshot, without touching the store file beyond a lock probe (and not even that
 * when the writer is in this JVM). Readers in other processes read a snapshot side by side; in one JVM they take
 * turns, because the JVM refuses a second lock on one file.
 */
final class StudySnapshot {

    /** The snapshot file inside a study directory. */
    static final String FILE_NAME = "study.snapshot.mv.db";
    /** The {@code meta} entry of a snapshot holding the instant it was taken. */
    static final String TIME_KEY = "snapshot_time";
    /** The shortest time between two snapshots. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(2);
    /** The time between two snapshots is at least this many times what the last copy took... */
    static final int COST_FACTOR = 20;
    /** ... but at most this long, so a snapshot is never much older than this while the store changes. */
    static final Duration MAX_INTERVAL = Duration.ofSeconds(30);

    private static final String TMP_PREFIX = "study.snapshot.";
    private static final Logger LOG = LogManager.getLogger(StudyStore.class);

    /** Study directories that a writer in this JVM has open: their store file must not even be probed. */
    private static final Set<Path> WRITERS = ConcurrentHashMap.newKeySet();
    /** One permit per snapshot file: readers in one JVM take turns (the JVM refuses overlapping locks). */
    private static final ConcurrentHashMap<Path, Semaphore> READERS = new ConcurrentHashMap<>();

    private StudySnapshot() {
    }

    /** The snapshot file of the study in {@code dir}. */
    static Path file(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    // ================================================================== writing

    /** Notes that a writer in this JVM holds the study in {@code dir}. */
    static void writerOpened(Path dir) {
        WRITERS.add(dir);
    }

    /** Notes that the writer of {@code dir} closed; deletes its snapshot. */
    static void writerClosed(Path dir) {
        WRITERS.remove(dir);
        try {
            Files.deleteIfExists(file(dir));
        } catch (IOException e) {
            LOG.warn("study {}: could not delete the readers' snapshot {}: {}", dir, file(dir),
                    StoreFile.reason(e));
        }
    }

    /** The thread that publishes the snapshots of one writer. */
    static final class Publisher {

        private final StudyStore store;
        private final Thread thread;
        private final Object signal = new Object();
        private boolean stopping;
        private long published = -1;
        private boolean failing;

        Publisher(StudyStore store) {
            this.store = store;
            this.thread = new Thread(this::loop, "sublayer-snapshot");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        /**
         * Stops publishing and waits for a publication in progress to end. Never interrupts the thread: an
         * interrupt during file I/O would close the store's own file channel.
         */
        void stop() {
            synchronized (signal) {
                stopping = true;
                signal.notifyAll();
            }
            if (Thread.currentThread() != thread) {
                boolean interrupted = false;
                while (thread.isAlive()) {
                    try {
                        thread.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        private void loop() {
            long wait = 0;
            while (true) {
                synchronized (signal) {
                    long until = System.nanoTime() + wait;
                    while (!stopping && System.nanoTime() < until) {
                        try {
                            signal.wait(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                        } catch (InterruptedException e) {
                            // not used to stop this thread (see stop): keep waiting
                        }
                    }
                    if (stopping) {
                        return;
                    }
                }
                long t0 = System.nanoTime();
                publishOnce();
                long took = System.nanoTime() - t0;
                wait = Math.min(MAX_INTERVAL.toNanos(), Math.max(MIN_INTERVAL.toNanos(), COST_FACTOR * took));
            }
        }

        /** Publishes the store's latest commit if it changed since the last snapshot. */
        void publishOnce() {
            Path dir = store.directory();
            Path target = file(dir);
            try (AtomicFiles.Pending tmp = AtomicFiles.begin(target, TMP_PREFIX, StoreFile.TMP_SUFFIX)) {
                long version = store.snapshotInto(published, tmp.path());
                if (version < 0) {
                    return;
                }
                tmp.replaceTarget();
                published = version;
                if (failing) {
                    LOG.info("study {}: the readers' snapshot is published again", dir);
                    failing = false;
                }
            } catch (IOException | RuntimeException e) {
                String why = e instanceof IOException io ? StoreFile.reason(io) : StoreFile.firstLine(e.getMessage());
                if (!failing) {
                    LOG.warn("study {}: could not publish the readers' snapshot {} (retrying): {}", dir, target, why);
                    failing = true;
                } else {
                    LOG.debug("study {}: snapshot still failing: {}", dir, why);
                }
            }
        }
    }

    // ================================================================== reading

    /**
     * Whether a writer holds the store file {@code storeFile} of the study in {@code dir}: one in this JVM, or
     * the file's lock held by another process. The probe takes and at once releases a shared lock; it never
     * reads the file.
     */
    static boolean writerHolds(Path dir, Path storeFile) {
        if (WRITERS.contains(dir)) {
            return true;
        }
        try (FileChannel ch = FileChannel.open(storeFile, StandardOpenOption.READ)) {
            FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            // Unreadable or gone: opening the store reports what is wrong.
            return false;
        }
    }

    /**
     * Opens the snapshot of the study in {@code dir} read-only, waiting for another reader of it in this JVM to
     * close first.
     *
     * @throws NoSuchFileException if there is no snapshot
     */
    static StudyStore open(Path dir) throws NoSuchFileException {
        Path f = file(dir);
        if (!Files.isRegularFile(f)) {
            throw new NoSuchFileException(f.toString());
        }
        Semaphore turn = READERS.computeIfAbsent(f, k -> new Semaphore(1));
        for (int attempt = 1; ; attempt++) {
            turn.acquireUninterruptibly();
            try {
                return StudyStore.openSnapshot(dir, f, turn::release);
            } catch (RuntimeException e) {
                turn.release();
                if (!Files.isRegularFile(f)) {
                    throw new NoSuchFileException(f.toString());
                }
                // The writer may have renamed a newer snapshot over the file between two reads of its opening.
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** The time recorded in a snapshot's {@code meta} map, or null if {@code value} is null or malformed. */
    static Instant time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
