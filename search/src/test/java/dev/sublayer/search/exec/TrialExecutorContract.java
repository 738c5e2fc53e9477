package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.StubEngine;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TrialExecutor} backend promises, run by each backend's test on worker processes of
 * {@link StubWorkerMain}: every task ends with exactly one {@code finished} or {@code cancelled} (after at most one
 * {@code started}), a trial that crashes its worker comes back as a failed result while the others complete, and
 * {@code cancelAll} calls back every open task and leaves the executor usable.
 */
public abstract class TrialExecutorContract {

    /** An executor of two slots whose worker processes run {@link StubWorkerMain} with {@code millisPerStep}. */
    protected abstract TrialExecutor create(String workerMainClass, double millisPerStep);

    private TrialExecutor executor;

    @BeforeEach
    void start() {
        executor = create(StubWorkerMain.class.getName(), 2);
    }

    @AfterEach
    void stop() {
        executor.close();
    }

    /** What one callback heard. */
    public static final class Heard implements TrialCallback {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger ends = new AtomicInteger();
        final CompletableFuture<Optional<TrialResult>> end = new CompletableFuture<>();

        @Override
        public void started(String worker) {
            assertThat(worker).isNotBlank();
            starts.incrementAndGet();
        }

        @Override
        public void finished(TrialResult result) {
            ends.incrementAndGet();
            end.complete(Optional.of(result));
        }

        @Override
        public void cancelled() {
            ends.incrementAndGet();
            end.complete(Optional.empty());
        }

        Optional<TrialResult> await() throws Exception {
            Optional<TrialResult> r = end.get(180, TimeUnit.SECONDS);
            Thread.sleep(50); // a second end, if any, would arrive now
            assertThat(ends).hasValue(1);
            assertThat(starts.get()).isLessThanOrEqualTo(1);
            return r;
        }
    }

    /** A trial of {@code notation} with {@code steps} steps. */
    public static TrialTask task(String notation, long steps) {
        Architecture a = Notation.parse(notation, 32, 16, NormPlacement.PRE);
        return new TrialTask(a.id(), new TrialRequest(a, DataConfig.defaults().withBatchSize(2),
                TrainingConfig.defaults(), Budget.steps(steps), 5), Optional.empty(), Optional.empty(), 120);
    }

    private Heard submit(TrialTask t) {
        Heard h = new Heard();
        executor.submit(t, h);
        return h;
    }

    @Test
    void everyTrialEndsOnceWithTheEnginesResultAndACrashFailsOnlyItsTrial() throws Exception {
        assertThat(executor.slots()).isEqualTo(2);
        List<TrialTask> tasks = List.of(task("A2 F64", 20), task("A2 F13", 20), task("A4 F32", 20),
                task("F64 A2 F64", 20));
        List<Heard> heard = new ArrayList<>();
        tasks.forEach(t -> heard.add(submit(t)));
        for (int i = 0; i < tasks.size(); i++) {
            TrialResult r = heard.get(i).await().orElseThrow();
            assertThat(heard.get(i).starts).hasValue(1);
            if (i == 1) {
                assertThat(r.status()).isEqualTo(TrialStatus.FAILED);
                assertThat(r.failure()).contains("worker crashed", "exit code 7");
            } else {
                TrialResult expected = StubEngine.result(tasks.get(i).request(), 20);
                assertThat(r.status()).isEqualTo(TrialStatus.COMPLETED);
                assertThat(r.metrics()).isEqualTo(expected.metrics());
                assertThat(r.curve()).isEqualTo(expected.curve());
            }
        }
    }

    @Test
    void cancelAllCallsBackEveryOpenTrialAndTheExecutorStaysUsable() throws Exception {
        List<Heard> heard = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            heard.add(submit(task("A2 F" + (40 + i), 100_000))); // 200 s each: still running when cancelled
        }
        Thread.sleep(1500);
        executor.cancelAll();
        for (Heard h : heard) {
            assertThat(h.end).isDone();
            assertThat(h.await()).isEmpty();
        }
        Heard after = submit(task("A2 F64", 10));
        assertThat(after.await().orElseThrow().status()).isEqualTo(TrialStatus.COMPLETED);
    }
}
