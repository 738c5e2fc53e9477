package dev.sublayer.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.testing.NativeTest;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A trial whose estimated training memory exceeds the process's limit is refused before anything is built. */
@NativeTest // the limit is JavaCPP's, and reading it loads JavaCPP's own native library
class TrainingMemoryTest {

    private static final Architecture A = Notation.parse("d32 n16 pre: A2 F32");
    private static final ModelShape SHAPE = ModelShape.bytes();

    private static TrialRequest request(int batch) {
        return new TrialRequest(A, DataConfig.defaults().withBatchSize(batch), TrainingConfig.defaults(),
                Budget.steps(1), 1);
    }

    @Test
    void theEstimateIsComparedWithTheLimitAndBothAreNamed() {
        long estimate = CostModel.estimateTrainingBytes(A, SHAPE, 20_000);
        assertThat(TrainingMemory.excess(request(20_000), SHAPE, estimate)).isEmpty();
        assertThat(TrainingMemory.excess(request(20_000), SHAPE, 800L << 20)).contains("estimated training memory "
                + ProcessMemory.gib(estimate) + " (" + estimate + " bytes at batch 20000 x context 16) exceeds this "
                + "process's memory limit of 0.78 GiB (org.bytedeco.javacpp.maxphysicalbytes=838860800; the machine "
                + "has " + ProcessMemory.gib(ProcessMemory.machineBytes()) + ")");
        long machine = ProcessMemory.machineBytes();
        assertThat(TrainingMemory.excess(request(20_000), SHAPE, Math.min(machine, estimate - 1)).get())
                .contains(machine < estimate ? "exceeds the machine's memory" : "exceeds this process's memory limit");
    }

    @Test
    void theLimitIsThisProcesssNativeMemoryLimitOrTheMachine() {
        assertThat(TrainingMemory.limit()).isPositive().isLessThanOrEqualTo(ProcessMemory.machineBytes());
    }

    @Test
    void aTrialTooLargeForThisProcessIsRejectedWithoutBeingBuilt() {
        long perSequence = CostModel.estimateTrainingBytes(A, SHAPE, 2) - CostModel.estimateTrainingBytes(A, SHAPE, 1);
        int batch = (int) Math.min(Integer.MAX_VALUE, TrainingMemory.limit() / perSequence + 1);
        AtomicBoolean built = new AtomicBoolean();
        TrialResult r = TrainingLoop.train(request(batch), TrialListener.NONE, Provenances.of("dl4j", "test", "cpu"),
                "dl4j", shape -> {
                    built.set(true);
                    throw new AssertionError("a trial over the memory limit must not be built");
                }, Optional.empty(), Optional.empty());
        assertThat(built).isFalse();
        assertThat(r.status()).isEqualTo(TrialStatus.REJECTED);
        assertThat(r.failure()).startsWith("estimated training memory ").contains("at batch " + batch + " x context 16)",
                ProcessMemory.gib(TrainingMemory.limit()));
        assertThat(r.metrics().steps()).isZero();
    }
}
