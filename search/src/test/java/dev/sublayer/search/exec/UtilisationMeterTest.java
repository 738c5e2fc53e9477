package dev.sublayer.search.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.evaluator.TrialStep;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.WorkerUtilisation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UtilisationMeterTest {

    /** An executor of {@code slots} slots whose tasks the test starts and ends by hand. */
    private static final class Manual implements TrialExecutor {
        final List<TrialCallback> callbacks = new ArrayList<>();

        @Override
        public int slots() {
            return 4;
        }

        @Override
        public String describe() {
            return "manual";
        }

        @Override
        public void submit(TrialTask task, TrialCallback callback) {
            callbacks.add(callback);
        }

        @Override
        public void cancelAll() {
        }

        @Override
        public void close() {
        }
    }

    private static final TrialCallback NONE = new TrialCallback() {
        @Override
        public void started(String worker) {
        }

        @Override
        public void finished(TrialResult result) {
        }

        @Override
        public void cancelled() {
        }
    };

    private static TrialTask task() {
        var a = Notation.parse("A2 F64", 32, 16, NormPlacement.PRE);
        return new TrialTask(a.id(), new TrialRequest(a, DataConfig.defaults(), TrainingConfig.defaults(),
                Budget.steps(1), 1), Optional.empty(), Optional.empty(), 10);
    }

    @Test
    void busySlotTimeOverAvailableSlotTime() {
        AtomicLong now = new AtomicLong();
        Manual manual = new Manual();
        UtilisationMeter meter = new UtilisationMeter(manual, now::get);
        UtilisationMeter.Span span = meter.start();
        meter.submit(task(), NONE);
        meter.submit(task(), NONE);
        meter.submit(task(), NONE);
        manual.callbacks.get(0).started("w1");
        manual.callbacks.get(1).started("w2");
        now.set(3_000_000_000L);
        manual.callbacks.get(0).finished(null);
        manual.callbacks.get(1).cancelled();
        manual.callbacks.get(2).cancelled(); // never started: no busy time
        now.set(10_000_000_000L);
        WorkerUtilisation u = span.end();
        // Two tasks of 3 s on 4 slots over 10 s: 6 of 40 slot-seconds.
        assertThat(u).isEqualTo(new WorkerUtilisation(6, 40, 4));
        assertThat(u.fraction()).isEqualTo(0.15);
        assertThat(u.describe()).isEqualTo("15% (busy 6 of 40 slot-seconds, 4 slots)");
        assertThat(meter.start().end().availableSeconds()).isZero();
        assertThat(WorkerUtilisation.sum(List.of(u, new WorkerUtilisation(34, 40, 2))))
                .isEqualTo(new WorkerUtilisation(40, 80, 4));
        assertThat(WorkerUtilisation.NONE.describe()).isEqualTo("not measured");
    }

    @Test
    void aTasksProgressPassesThrough() {
        Manual manual = new Manual();
        UtilisationMeter meter = new UtilisationMeter(manual, new AtomicLong()::get);
        List<TrialStep> heard = new ArrayList<>();
        meter.submit(task(), new TrialCallback() {
            @Override
            public void started(String worker) {
            }

            @Override
            public void progress(TrialStep step) {
                heard.add(step);
            }

            @Override
            public void finished(TrialResult result) {
            }

            @Override
            public void cancelled() {
            }
        });
        manual.callbacks.getFirst().started("w");
        manual.callbacks.getFirst().progress(new TrialStep(3, 30, 96, 4.0));
        assertThat(heard).containsExactly(new TrialStep(3, 30, 96, 4.0));
    }
}
