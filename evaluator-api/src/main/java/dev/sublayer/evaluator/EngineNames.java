package dev.sublayer.evaluator;

import java.util.List;

/**
 * The names of the engines Sublayer ships, known without the engines themselves (and their native libraries) on
 * the class path: what a study's {@code training.engine} and {@code evaluate --engine} accept. The evaluator's
 * {@code Engines.create} makes an engine of each name here, and its tests check that the two agree.
 */
public final class EngineNames {

    /** DL4J: ND4J arrays and BLAS, SameDiff for mixture-of-experts models. */
    public static final String DL4J = "dl4j";

    /** PyTorch natives through DJL. */
    public static final String DJL = "djl";

    /** The engine used when none is named. */
    public static final String DEFAULT = DL4J;

    private static final List<String> ALL = List.of(DL4J, DJL);

    private EngineNames() {
    }

    /** Every engine name, the default first. */
    public static List<String> all() {
        return ALL;
    }
}
