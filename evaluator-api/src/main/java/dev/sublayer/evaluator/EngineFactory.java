package dev.sublayer.evaluator;

/**
 * Creates an {@link Engine} by name. A caller that must not carry the engines and their native libraries on its
 * class path (the search) is given one by the application that has them; the evaluator's {@code Engines::create}
 * is the factory Sublayer ships.
 */
@FunctionalInterface
public interface EngineFactory {

    /**
     * The engine called {@code name} (one of {@link EngineNames#all()} for the shipped factory), using
     * {@code threads} CPU threads for its math.
     *
     * @throws IllegalArgumentException naming the value and the known engines, or a bad thread count
     * @throws IllegalStateException    when the engine's native libraries cannot be loaded
     */
    Engine create(String name, int threads);
}
