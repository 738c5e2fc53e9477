package dev.sublayer.evaluator.dl4j;

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
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * The DL4J engine: every model is a {@link DirectTransformer} (hand-written forward and backward passes on
 * ND4J arrays and BLAS, mixture of experts dispatched sparsely). The optimizer ({@link AdamW}) and the
 * training loop are Sublayer's own, so every step can be checked against the budget and for divergence.
 *
 * <p>Backend: ND4J's CPU backend ({@code nd4j-native}) only; GPUs are the djl engine's. Threads are set once
 * per JVM, for ND4J's own ops and for its BLAS (the direct model splits its products over that many Java
 * threads itself).
 */
public final class Dl4jEngine implements Engine {

    /** The engine's name. */
    public static final String NAME = EngineNames.DL4J;

    private static final Logger LOG = LogManager.getLogger(Dl4jEngine.class);

    private final int threads;
    private final Provenance provenance;

    /** An engine using {@code threads} threads for ND4J's ops and BLAS. */
    public Dl4jEngine(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        // The direct model splits every product over its own threads (SplitBlas), each call single-threaded; set once
        // here, not around every step: each change allocates through JavaCPP, and an allocation refused at the
        // memory limit inside that call was seen to corrupt the native heap (JavaCPP 1.5.7 / OpenBLAS presets).
        Nd4j.factory().blas().setMaxThreads(1);
        this.provenance = Provenances.of(NAME, backend(), device(threads));
        LOG.debug("dl4j engine: {} on {}", provenance.backend(), provenance.device());
    }

    private static String backend() {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        String version = Nd4j.class.getPackage().getImplementationVersion();
        return "nd4j " + (version == null ? "1.0.0-M2.1" : version) + " "
                + Nd4j.getBackend().getClass().getSimpleName().replace("Backend", "").toLowerCase(Locale.ROOT)
                + " blas=" + env.getOrDefault("blas.vendor", "unknown");
    }

    private static String device(int threads) {
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Object devices = env.get("cuda.availableDevices");
        if (devices != null) {
            return "cuda " + env.getOrDefault("cuda.deviceName", "gpu") + " (" + devices + " device(s))";
        }
        return "cpu x" + threads + " (" + env.getOrDefault("cores", Runtime.getRuntime().availableProcessors()) + " cores)";
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Threads this engine uses. */
    public int threads() {
        return threads;
    }

    /** The provenance stamped on this engine's results. */
    public Provenance provenance() {
        return provenance;
    }

    @Override
    public TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom,
                             Optional<Path> checkpointTo) {
        return TrainingLoop.train(request, listener, provenance, NAME, shape -> Dl4jTrainer.build(request, shape, threads),
                resumeFrom, checkpointTo);
    }
}
