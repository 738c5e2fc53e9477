package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.Trainer;
import dev.sublayer.evaluator.data.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * A model as the DL4J engine's training loop sees it: live parameters, one training step's loss and
 * gradients, and evaluation: {@link DirectTransformer} (hand-written backward pass on ND4J arrays and BLAS);
 * the tests also wrap their SameDiff oracle in it.
 */
interface StepModel extends AutoCloseable {

    /** Every parameter by name, in {@link dev.sublayer.evaluator.ParameterLayout} order (live arrays). */
    Map<String, INDArray> parameters();

    /** Names of the parameters that weight decay applies to. */
    List<String> decayedParameterNames();

    /** The number of trainable scalars. */
    long parameterCount();

    /**
     * Forward and backward pass on a training batch. Returns the mean cross-entropy (nats) over the positions
     * that count; the gradients of the training objective are in {@link #gradients()} until the next call
     * on this model, which may also use their arrays as scratch space.
     */
    double lossAndGradients(Batch batch);

    /** The gradients of the last {@link #lossAndGradients} by parameter name (the caller may overwrite them). */
    Map<String, INDArray> gradients();

    /** The parameters and gradients as flat arrays, when the model keeps them so. */
    default java.util.Optional<FlatParameters> flat() {
        return java.util.Optional.empty();
    }

    /** Forward pass only: the loss and arg-max accuracy over the positions of {@code batch} that count. */
    Trainer.Evaluation evaluate(Batch batch);

    /** Frees the native memory now rather than whenever the garbage collector gets to it. */
    @Override
    void close();
}
