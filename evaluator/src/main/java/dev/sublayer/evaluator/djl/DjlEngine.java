package dev.sublayer.evaluator.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;
import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.EngineNames;
import dev.sublayer.evaluator.Provenances;
import dev.sublayer.evaluator.TrainingLoop;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialResult;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The DJL engine: the model is a sequence of eager PyTorch operations ({@link DjlTransformer}) through the
 * Deep Java Library, gradients come from PyTorch's autograd, and the optimizer and training loop are
 * Sublayer's own, so that every step is checked against the budget and for divergence exactly as in the
 * DL4J engine. Same parameter layout, initial weights, batches, optimizer and metrics as the DL4J engine:
 * the two agree on the loss curve within float32 rounding (tested).
 *
 * <p>Backend: PyTorch's CPU natives ({@code pytorch-native-cpu} 2.7.1) by default; the {@code djl-cuda} Maven
 * profile swaps in PyTorch 2.5.1 with CUDA 12.4 (Hopper included), and then the first GPU is used unless the
 * system property {@value DjlRuntime#DEVICE_PROPERTY} says {@code cpu} (or another {@code gpu<N>}). See
 * {@link DjlRuntime} for the cache folder, threads and {@code MKL_DYNAMIC}.
 *
 * <p>One DJL trial at a time per JVM: PyTorch's thread settings and DJL's gradient collector are
 * process-wide. Parallel trials run in separate worker JVMs, as the search does.
 */
public final class DjlEngine implements Engine {

    /** The engine's name. */
    public static final String NAME = EngineNames.DJL;

    private static final Logger LOG = LogManager.getLogger(DjlEngine.class);

    private final int threads;
    private final ai.djl.engine.Engine pytorch;
    private final Device device;
    private final NDManager manager;
    private final Provenance provenance;

    /**
     * An engine using {@code threads} intra-op threads for PyTorch's CPU kernels.
     *
     * @throws IllegalArgumentException for a thread count below 1 or an unknown device name
     * @throws IllegalStateException    when the PyTorch natives cannot be loaded
     */
    public DjlEngine(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pytorch = DjlRuntime.pytorch(threads);
        this.device = device(pytorch);
        this.manager = pytorch.newBaseManager(device);
        this.provenance = Provenances.of(NAME, backend(pytorch, device), describe(device, threads));
        LOG.debug("djl engine: {} on {}", provenance.backend(), provenance.device());
    }

    private static Device device(ai.djl.engine.Engine pytorch) {
        String wanted = System.getProperty(DjlRuntime.DEVICE_PROPERTY);
        if (wanted == null || wanted.isBlank()) {
            return pytorch.defaultDevice();
        }
        String name = wanted.strip().toLowerCase(Locale.ROOT);
        if (!name.matches("cpu|gpu\\d*")) {
            throw new IllegalArgumentException(DjlRuntime.DEVICE_PROPERTY + " must be cpu, gpu or gpu<N>, got '" + wanted + "'");
        }
        Device d = Device.fromName(name, pytorch);
        if (d.isGpu() && d.getDeviceId() >= pytorch.getGpuCount()) {
            throw new IllegalArgumentException(DjlRuntime.DEVICE_PROPERTY + " is '" + wanted + "' but PyTorch sees "
                    + pytorch.getGpuCount() + " GPU(s) (CPU natives, or no CUDA driver?)");
        }
        return d;
    }

    private static String backend(ai.djl.engine.Engine pytorch, Device device) {
        String flavour = device.isGpu() ? "cuda " + CudaUtils.getCudaVersionString() : "cpu";
        return "djl " + ai.djl.engine.Engine.getDjlVersion() + " pytorch " + pytorch.getVersion() + " " + flavour;
    }

    private static String describe(Device device, int threads) {
        if (device.isGpu()) {
            String capability;
            try {
                capability = "sm_" + CudaUtils.getComputeCapability(device.getDeviceId());
            } catch (RuntimeException | LinkageError e) {
                capability = "compute capability unknown";
            }
            return "cuda gpu" + device.getDeviceId() + " " + capability + " (" + CudaUtils.getGpuCount() + " device(s))";
        }
        return "cpu x" + threads + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Threads this engine uses for CPU kernels. */
    public int threads() {
        return threads;
    }

    /** The device the models are trained on. */
    public Device device() {
        return device;
    }

    /** The provenance stamped on this engine's results. */
    public Provenance provenance() {
        return provenance;
    }

    /** Seconds this JVM spent loading the PyTorch natives (the first DJL engine pays it). */
    public static double nativeLoadSeconds() {
        return DjlRuntime.loadSeconds();
    }

    @Override
    public TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom,
                             Optional<Path> checkpointTo) {
        // Keep this engine's thread count even if another DJL engine in this JVM changed PyTorch's.
        DjlRuntime.pytorch(threads);
        return TrainingLoop.train(request, listener, provenance, NAME,
                shape -> DjlTrainer.build(pytorch, manager, request, shape), resumeFrom, checkpointTo);
    }

    /** Frees the engine's base manager; the PyTorch natives stay loaded for the JVM's lifetime. */
    @Override
    public void close() {
        manager.close();
    }
}
