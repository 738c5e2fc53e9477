package dev.sublayer.evaluator;

import dev.sublayer.evaluator.djl.DjlEngine;
import dev.sublayer.evaluator.dl4j.Dl4jEngine;

import java.util.List;

/**
 * Creates engines by name: {@code dl4j} (DL4J: ND4J arrays and BLAS, SameDiff for mixture-of-experts models;
 * the default) or {@code djl} (PyTorch natives through DJL). Both build the same model from
 * {@link ParameterLayout} and return the same {@link dev.sublayer.trial.TrialResult} semantics.
 * {@code Engines::create} is the {@link EngineFactory} the search is given; the names are {@link EngineNames},
 * which callers without the engines on their class path read.
 */
public final class Engines {

    /** The engine used when none is named. */
    public static final String DEFAULT = EngineNames.DEFAULT;

    private Engines() {
    }

    /** The names {@link #create} accepts: {@link EngineNames#all()}. */
    public static List<String> names() {
        return EngineNames.all();
    }

    /**
     * The engine called {@code name}, using {@code threads} CPU threads for its math.
     *
     * @throws IllegalArgumentException naming the value and the known engines, or a bad thread count
     * @throws IllegalStateException    when the engine's native libraries cannot be loaded
     */
    public static Engine create(String name, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (Dl4jEngine.NAME.equals(name)) {
            return new Dl4jEngine(threads);
        }
        if (DjlEngine.NAME.equals(name)) {
            return new DjlEngine(threads);
        }
        throw new IllegalArgumentException("unknown engine '" + name + "', expected one of " + String.join(", ", names()));
    }
}
