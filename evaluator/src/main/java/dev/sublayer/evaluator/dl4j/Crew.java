package dev.sublayer.evaluator.dl4j;

import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed crew of threads that runs one job split into parts, part 0 on the caller: a fork-join for the
 * hundreds of short parallel sections of a training step (each product, each fused pass). Public for the
 * benchmarks, which issue products the way the engine does.
 *
 * <p>Why not an {@code ExecutorService}: a hand-off through its queue and a {@code Future} parks and wakes a
 * thread twice, about 70 µs per section on the 2-core dev machine (measured: an empty section), and a training
 * step of the reference model has about 250 sections, so the hand-offs alone cost more than all its
 * element-wise work. Here a crew member that has just finished waits for the next job spinning for up to
 * {@link #SPIN_NANOS} (a step's sections follow each other within microseconds; after the first tenth of it,
 * yielding the CPU at each round, for when the crew has more threads than free cores) before it parks, and the
 * caller waits for the members the same way: an empty section then costs about a microsecond; between steps
 * the members park, so an idle crew costs nothing.
 */
public final class Crew implements AutoCloseable {

    /** How long a waiting thread spins before it parks. */
    public static final long SPIN_NANOS = 100_000;

    private final Member[] members;
    private final Thread[] threads;
    /** The caller of the job in progress, to be woken if it parked while waiting. */
    private volatile Thread caller;
    private volatile boolean callerParked;
    private volatile IntConsumer job;
    /** Jobs posted so far; each member counts the jobs it finished. */
    private volatile long posted;
    private volatile boolean closed;

    /**
     * A crew for jobs of {@code parts} parts: the caller and {@code parts − 1} daemon threads of its own, named
     * {@code name-1} and so on.
     *
     * @throws IllegalArgumentException if {@code parts < 1}
     */
    public Crew(int parts, String name) {
        if (parts < 1) {
            throw new IllegalArgumentException("a crew needs at least one part, got " + parts);
        }
        members = new Member[parts - 1];
        threads = new Thread[parts - 1];
        for (int i = 0; i < members.length; i++) {
            members[i] = new Member(i + 1);
            threads[i] = new Thread(members[i], name + "-" + (i + 1));
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    /** Parts of a job: the caller's and one per crew member. */
    public int parts() {
        return members.length + 1;
    }

    /**
     * Runs {@code part} for every part {@code 0 … parts − 1}, part 0 on the calling thread, and returns when all
     * have finished; the first failure (the caller's first) is rethrown then. One job at a time: not for
     * concurrent callers, nor from inside a part.
     */
    public void run(IntConsumer part) {
        if (members.length == 0) {
            part.accept(0);
            return;
        }
        if (closed) {
            throw new IllegalStateException("the crew is closed");
        }
        caller = Thread.currentThread();
        job = part;
        long number = posted + 1;
        posted = number;
        for (int i = 0; i < members.length; i++) {
            if (members[i].parked) {
                LockSupport.unpark(threads[i]);
            }
        }
        Throwable failure = null;
        try {
            part.accept(0);
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Member m : members) {
            awaitFinished(m, number);
            if (failure == null && m.failure != null) {
                failure = m.failure;
            }
            m.failure = null;
        }
        job = null;
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    private void awaitFinished(Member m, long number) {
        long start = System.nanoTime();
        while (m.finished < number) {
            long waited = System.nanoTime() - start;
            if (waited < SPIN_NANOS) {
                pause(waited);
            } else {
                callerParked = true;
                if (m.finished < number) {
                    LockSupport.parkNanos(this, 1_000_000);
                }
                callerParked = false;
            }
        }
    }

    /**
     * One round of a spinning wait that has lasted {@code waited} ns: a CPU pause at first, then a yield, so
     * that a crew with more threads than free cores lets the thread it waits for run.
     */
    private static void pause(long waited) {
        if (waited < SPIN_NANOS / 10) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }

    /** One crew thread: waits for a job, runs its part, counts it finished. */
    private final class Member implements Runnable {
        private final int index;
        private volatile boolean parked;
        private volatile long finished;
        private volatile Throwable failure;

        Member(int index) {
            this.index = index;
        }

        @Override
        public void run() {
            long done = 0;
            while (true) {
                long number = awaitJob(done);
                if (number < 0) {
                    return;
                }
                try {
                    job.accept(index);
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                done = number;
                finished = number;
                if (callerParked) {
                    LockSupport.unpark(caller);
                }
            }
        }

        /** The number of the next job after {@code done}, or -1 once the crew is closed. */
        private long awaitJob(long done) {
            long start = System.nanoTime();
            while (true) {
                long number = posted;
                if (number > done) {
                    return number;
                }
                if (closed) {
                    return -1;
                }
                long waited = System.nanoTime() - start;
                if (waited < SPIN_NANOS) {
                    pause(waited);
                } else {
                    parked = true;
                    if (posted == done && !closed) {
                        LockSupport.park(this);
                    }
                    parked = false;
                }
            }
        }
    }
}
