package dev.sublayer.evaluator.djl;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads DJL's PyTorch engine once per JVM, configured for Sublayer:
 * <ul>
 *   <li>{@code DJL_CACHE_DIR} (where DJL unpacks the ≈450 MB of natives from the native jar) defaults to
 *       {@code $XDG_CACHE_HOME/sublayer/djl} or {@code ~/.cache/sublayer/djl} unless the user set it, as an
 *       environment variable or a system property;</li>
 *   <li>{@code ai.djl.offline=true} unless set: the natives come from the classpath
 *       ({@code pytorch-native-*} jar), and a missing jar should fail at once with DJL's message rather
 *       than try a download;</li>
 *   <li>PyTorch's intra-op threads = the engine's thread count ({@code ai.djl.pytorch.num_threads}), inter-op
 *       threads = 1 ({@code ai.djl.pytorch.num_interop_threads}): a trial is one sequential stream of ops.</li>
 * </ul>
 * {@code PYTORCH_VERSION} is never set here: set to another version than the bundled natives', DJL tries to
 * download that version. Bit-reproducible CPU runs also need the environment variable
 * {@code MKL_DYNAMIC=FALSE} in the JVM's environment (MKL otherwise varies its thread use between calls and
 * runs drift apart after some twenty steps); a JVM cannot set its own environment, so the launchers do, and
 * this class warns once when it is missing.
 */
final class DjlRuntime {

    /** The system property that picks the device: {@code cpu}, {@code gpu} or {@code gpu<N>}; default: DJL's choice. */
    static final String DEVICE_PROPERTY = "sublayer.djl.device";

    private static final Logger LOG = LogManager.getLogger(DjlRuntime.class);

    private static Engine engine;
    private static double loadSeconds;

    private DjlRuntime() {
    }

    /**
     * The PyTorch engine, loaded on first use, with {@code threads} intra-op threads from now on.
     *
     * @throws IllegalStateException when the natives cannot be loaded (the message says why)
     */
    static synchronized Engine pytorch(int threads) {
        if (engine == null) {
            configure(threads);
            long start = System.nanoTime();
            try {
                engine = Engine.getEngine("PyTorch");
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalStateException("djl engine: PyTorch could not be loaded (is a pytorch-native jar on the "
                        + "classpath, and " + System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"))
                        + " writable?): " + e.getMessage(), e);
            }
            loadSeconds = (System.nanoTime() - start) / 1e9;
            LOG.debug("djl: PyTorch {} loaded in {} s (cache {})", engine.getVersion(), loadSeconds, cacheDir());
            warnIfNotReproducible();
        }
        if (JniUtils.getNumThreads() != threads) { // intra-op threads may change at any time; inter-op may not
            JniUtils.setNumThreads(threads);
        }
        return engine;
    }

    /** Seconds the first {@link #pytorch} call spent loading the natives (0 before). */
    static synchronized double loadSeconds() {
        return loadSeconds;
    }

    private static void configure(int threads) {
        if (cacheDir() == null) {
            System.setProperty("DJL_CACHE_DIR", defaultCacheDir().toString());
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        String pinned = System.getProperty("PYTORCH_VERSION", System.getenv("PYTORCH_VERSION"));
        if (pinned != null && !pinned.isBlank()) {
            LOG.warn("djl: PYTORCH_VERSION is set to '{}'; unless it is the bundled natives' version DJL tries to "
                    + "download PyTorch {} (unset it to use the pytorch-native jar on the classpath)", pinned, pinned);
        }
    }

    private static String cacheDir() {
        String dir = System.getProperty("DJL_CACHE_DIR");
        return dir != null ? dir : System.getenv("DJL_CACHE_DIR");
    }

    /** {@code $XDG_CACHE_HOME/sublayer/djl}, else {@code ~/.cache/sublayer/djl}. */
    static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sublayer").resolve("djl");
    }

    /** Whether the environment asks MKL for a fixed thread use, as bit-identical CPU runs need. */
    static boolean mklDynamicOff() {
        String v = System.getenv("MKL_DYNAMIC");
        return v != null && v.strip().toUpperCase(Locale.ROOT).equals("FALSE");
    }

    private static void warnIfNotReproducible() {
        if (!mklDynamicOff()) {
            LOG.warn("djl: MKL_DYNAMIC=FALSE is not set in this process's environment: CPU runs of the same trial may "
                    + "differ after ~20 steps (the sublayer launcher sets it; set it where you start JVMs yourself)");
        }
    }
}
