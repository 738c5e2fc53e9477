package dev.sublayer.evaluator;

import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import java.util.Optional;
import org.bytedeco.javacpp.Pointer;

/**
 * Whether a trial's training fits the memory of the process that would train it, decided before anything is
 * built: the cost model's estimate ({@link CostModel#estimateTrainingBytes}: weights, gradients, optimizer
 * moments and the activations of one batch) against {@link #limit()}. A trial that does not fit is refused (a
 * study records it {@code rejected} with the reason, {@code evaluate} exits 2); one that fits and still needs
 * more than its estimate meets the process's own limits ({@link ProcessMemory}) as an out-of-memory result.
 */
public final class TrainingMemory {

    private TrainingMemory() {
    }

    /**
     * The memory this process may use: JavaCPP's physical-memory limit ({@value ProcessMemory#MAX_PHYSICAL_BYTES},
     * which ND4J's allocations check), or the machine's memory where that is smaller or unset.
     */
    public static long limit() {
        long machine = ProcessMemory.machineBytes();
        long process;
        try {
            process = Pointer.maxPhysicalBytes();
        } catch (LinkageError e) { // JavaCPP's natives do not load here: no ND4J either, only the machine bounds
            process = 0;
        }
        return process > 0 ? Math.min(process, machine) : machine;
    }

    /**
     * Why {@code request} cannot train in this process, or empty when its estimate fits {@link #limit()}.
     *
     * @param shape the model shape (vocabulary, head tying) the trial is built with
     */
    public static Optional<String> excess(TrialRequest request, ModelShape shape) {
        return excess(request, shape, limit());
    }

    /** {@link #excess(TrialRequest, ModelShape)} against a given limit in bytes. */
    static Optional<String> excess(TrialRequest request, ModelShape shape, long limit) {
        int batch = request.data().batchSize();
        long estimate = CostModel.estimateTrainingBytes(request.architecture(), shape, batch);
        if (estimate <= limit) {
            return Optional.empty();
        }
        long machine = ProcessMemory.machineBytes();
        String bound = limit < machine
                ? "this process's memory limit of " + ProcessMemory.gib(limit) + " (" + ProcessMemory.MAX_PHYSICAL_BYTES
                        + "=" + limit + "; the machine has " + ProcessMemory.gib(machine) + ")"
                : "the machine's memory of " + ProcessMemory.gib(limit) + " (" + limit + " bytes)";
        return Optional.of("estimated training memory " + ProcessMemory.gib(estimate) + " (" + estimate
                + " bytes at batch " + batch + " x context " + request.architecture().context() + ") exceeds "
                + bound);
    }
}
