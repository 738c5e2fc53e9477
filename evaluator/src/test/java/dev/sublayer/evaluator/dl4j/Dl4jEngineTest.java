package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.EngineContractTest;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The DL4J engine: the {@link EngineContractTest} contract on two threads, and what only this engine does. */
class Dl4jEngineTest extends EngineContractTest {

    Dl4jEngineTest() {
        super("dl4j", 2, 10);
    }

    @Override
    protected void assertBackendAndNativeMemory(TrialResult completed) {
        assertThat(completed.metrics().peakNativeBytes()).isPositive();
        assertThat(completed.provenance().backend()).contains("nd4j");
    }

    /** Every sublayer kind, activation family and norm kind trains to bit-identical losses under one seed. */
    @ParameterizedTest
    @ValueSource(strings = {"d16 n16 pre rms: A2 D32x2:swiglu", "d16 n16 post: P2/32:geglu F32:relu2",
            "d16 n16 pre: A2 M4k2/16"})
    void everyKindTrainsDeterministically(String notation) {
        Architecture a = Notation.parse(notation);
        TrialRequest request = new TrialRequest(a, DATA, TRAINING.withLogging(1, 0), Budget.steps(6), 42);
        TrialResult first = train(request);
        TrialResult second = train(request);
        assertThat(first.status()).as(first.failure()).isEqualTo(TrialStatus.COMPLETED);
        assertThat(trainLosses(first)).hasSize(6).isEqualTo(trainLosses(second));
        assertThat(first.metrics().validLoss()).isEqualTo(second.metrics().validLoss()).isFinite();
        assertThat(first.metrics().totalParams()).isEqualTo(CostModel.of(a, ModelShape.bytes()).totalParams());
    }

    /** The load-balancing loss steers training (it is in the objective) but not the reported losses. */
    @Test
    void theLoadBalancingWeightChangesTrainingButNotTheReportedLoss() {
        Architecture a = Notation.parse("d16 n16 pre: A2 M4k1/16");
        TrialRequest request = new TrialRequest(a, DATA, TRAINING.withLogging(1, 0), Budget.steps(4), 42);
        List<Double> balanced = trainLosses(train(request));
        List<Double> unbalanced = trainLosses(train(new TrialRequest(a, DATA,
                TRAINING.withLogging(1, 0).withMoeAuxWeight(0), Budget.steps(4), 42)));
        // the first step's loss comes from the same initial weights: equal, so it is the plain cross-entropy
        assertThat(unbalanced.getFirst()).isEqualTo(balanced.getFirst());
        assertThat(unbalanced.getLast()).isNotEqualTo(balanced.getLast());
    }
}
