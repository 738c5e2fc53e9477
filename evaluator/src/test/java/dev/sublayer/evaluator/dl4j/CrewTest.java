package dev.sublayer.evaluator.dl4j;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The crew runs every part of every job exactly once, hands failures back and survives them and long waits. */
class CrewTest {

    @Test
    void everyPartOfEveryJobRunsOnceAndTheCallerRunsPartZero() {
        for (int parts = 1; parts <= 4; parts++) {
            try (Crew crew = new Crew(parts, "test")) {
                assertThat(crew.parts()).isEqualTo(parts);
                int jobs = 5_000;
                AtomicIntegerArray runs = new AtomicIntegerArray(parts);
                Thread caller = Thread.currentThread();
                boolean[] partZeroElsewhere = {false};
                for (int job = 0; job < jobs; job++) {
                    crew.run(p -> {
                        runs.incrementAndGet(p);
                        if (p == 0 && Thread.currentThread() != caller) {
                            partZeroElsewhere[0] = true;
                        }
                    });
                }
                for (int p = 0; p < parts; p++) {
                    assertThat(runs.get(p)).as("part %d of %d", p, parts).isEqualTo(jobs);
                }
                assertThat(partZeroElsewhere[0]).isFalse();
            }
        }
    }

    @Test
    void aJobWaitsForItsSlowestPartAndWakesAParkedCrew() {
        try (Crew crew = new Crew(3, "test")) {
            long[] finished = new long[3];
            for (int round = 0; round < 3; round++) {
                LockSupport.parkNanos(3 * Crew.SPIN_NANOS);         // the crew parks between jobs
                crew.run(p -> {
                    LockSupport.parkNanos(p * 2 * Crew.SPIN_NANOS);   // and the caller parks waiting for part 2
                    finished[p] = System.nanoTime();
                });
                long returned = System.nanoTime();
                for (long f : finished) {
                    assertThat(f).isLessThanOrEqualTo(returned);
                }
            }
        }
    }

    @Test
    void aFailureInAnyPartIsRethrownAfterEveryPartHasFinished() {
        try (Crew crew = new Crew(3, "test")) {
            for (int failing = 0; failing < 3; failing++) {
                int f = failing;
                AtomicIntegerArray done = new AtomicIntegerArray(3);
                assertThatThrownBy(() -> crew.run(p -> {
                    if (p == f) {
                        throw new IllegalStateException("part " + p);
                    }
                    LockSupport.parkNanos(1_000_000);
                    done.set(p, 1);
                })).isInstanceOf(IllegalStateException.class).hasMessage("part " + f);
                for (int p = 0; p < 3; p++) {
                    assertThat(done.get(p)).as("part %d after part %d failed", p, f).isEqualTo(p == f ? 0 : 1);
                }
            }
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            crew.run(runs::incrementAndGet);
            assertThat(runs.get(0) + runs.get(1) + runs.get(2)).as("the crew still works").isEqualTo(3);
        }
    }

    @Test
    void aClosedCrewRefusesJobs() {
        Crew crew = new Crew(2, "test");
        crew.close();
        assertThatThrownBy(() -> crew.run(p -> { })).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
