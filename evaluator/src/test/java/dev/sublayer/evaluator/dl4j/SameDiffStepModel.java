package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.Trainer;
import dev.sublayer.evaluator.data.Batch;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * A {@link TransformerModel} graph trained through SameDiff's automatic differentiation, with every
 * session array recycled by a {@link StepArena}. The arrays of one call (gradients included) stay valid
 * until the next call.
 */
final class SameDiffStepModel implements StepModel {

    private final TransformerModel model;
    private final StepArena arena = new StepArena();
    private final List<String> names;
    private Map<String, INDArray> feed = Map.of();
    private Map<String, INDArray> gradients = Map.of();

    SameDiffStepModel(TransformerModel model) {
        this.model = model;
        SameDiff sd = model.sameDiff();
        QuietStdout.call(() -> {
            sd.createGradFunction();
            return null;
        });
        StepArena.install(sd, arena);
        StepArena.install(sd.getFunction("grad"), arena);
        this.names = model.parameterNames();
    }

    /** The graph. */
    TransformerModel model() {
        return model;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return model.parameters();
    }

    @Override
    public List<String> decayedParameterNames() {
        return model.decayedParameterNames();
    }

    @Override
    public long parameterCount() {
        return model.parameterCount();
    }

    @Override
    public double lossAndGradients(Batch batch) {
        endStep();
        feed = model.feed(batch);
        OutAndGrad result = model.sameDiff().calculateGradientsAndOutputs(feed, List.of(TransformerModel.LOSS), names);
        gradients = result.getGradients();
        return result.getOutputs().get(TransformerModel.LOSS).getDouble(0);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return gradients;
    }

    @Override
    public Trainer.Evaluation evaluate(Batch batch) {
        endStep();
        feed = model.feed(batch);
        Map<String, INDArray> out = model.sameDiff().output(feed, TransformerModel.LOSS, TransformerModel.PREDICTIONS);
        INDArray predictions = out.get(TransformerModel.PREDICTIONS);
        long correct = 0;
        int context = batch.context();
        for (int s = 0; s < batch.size(); s++) {
            for (int p = 0; p < context; p++) {
                if (batch.weights()[s][p] != 0 && predictions.getInt(s * context + p) == batch.targets()[s][p]) {
                    correct++;
                }
            }
        }
        Trainer.Evaluation e = new Trainer.Evaluation(out.get(TransformerModel.LOSS).getDouble(0), correct, batch.countedPositions());
        endStep();
        return e;
    }

    /** Hands the last call's arrays back to the arena. */
    private void endStep() {
        arena.endStep();
        for (INDArray a : feed.values()) {
            a.close();
        }
        feed = Map.of();
        gradients = Map.of();
    }

    @Override
    public void close() {
        endStep();
        arena.close();
        for (SDVariable v : model.sameDiff().variables()) {
            INDArray arr = v.isPlaceHolder() ? null : v.getArr();
            if (arr != null && !arr.wasClosed() && arr.closeable()) {
                arr.close();
            }
        }
    }
}
