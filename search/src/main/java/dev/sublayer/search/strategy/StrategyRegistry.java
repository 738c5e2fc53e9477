package dev.sublayer.search.strategy;

import dev.sublayer.trial.Origin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The strategies a study config may name in {@code search.strategy}, by name. The built-in ones are registered
 * from the start: {@value Nsga2Strategy#NAME}, {@value AgingEvolution#NAME}, {@value RandomSearch#NAME} and
 * {@value FixedLayouts#NAME}. A program that embeds Sublayer adds its own with {@link #register} before it reads
 * a config that names it; the config's validation accepts exactly the registered names and its error lists them.
 *
 * <p>The registry is shared by the whole process and thread-safe; names keep their registration order.
 */
public final class StrategyRegistry {

    /** What a strategy name looks like: it is a config value and is stored as the origin of the strategy's trials. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private static final Map<String, Strategy.Factory> FACTORIES = new LinkedHashMap<>();
    private static final Set<String> BUILT_IN;

    static {
        FACTORIES.put(Nsga2Strategy.NAME, Nsga2Strategy::new);
        FACTORIES.put(AgingEvolution.NAME, AgingEvolution::new);
        FACTORIES.put(RandomSearch.NAME, RandomSearch::new);
        FACTORIES.put(FixedLayouts.NAME, FixedLayouts::new);
        BUILT_IN = Set.copyOf(FACTORIES.keySet());
    }

    private StrategyRegistry() {
    }

    /**
     * Registers {@code factory} under {@code name}, so a config's {@code search.strategy: <name>} runs the
     * strategy it creates (whose {@link Strategy#name()} must be {@code name}).
     *
     * @throws IllegalArgumentException if the name does not match {@link #NAME}, is reserved for re-evaluation
     *                                  trials, or is already registered
     */
    public static synchronized void register(String name, Strategy.Factory factory) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a strategy name must match " + NAME.pattern() + ", got '" + name + "'");
        }
        if (Origin.REEVALUATION_TEXT.equals(name)) {
            throw new IllegalArgumentException("the strategy name '" + name + "' is reserved for re-evaluation trials");
        }
        if (FACTORIES.containsKey(name)) {
            throw new IllegalArgumentException("a strategy named '" + name + "' is already registered");
        }
        FACTORIES.put(name, factory);
    }

    /**
     * Removes the strategy registered under {@code name}; a built-in strategy stays.
     *
     * @return whether a strategy was removed
     * @throws IllegalArgumentException if {@code name} is a built-in strategy
     */
    public static synchronized boolean unregister(String name) {
        if (BUILT_IN.contains(name)) {
            throw new IllegalArgumentException("the built-in strategy '" + name + "' cannot be removed");
        }
        return FACTORIES.remove(name) != null;
    }

    /** The registered names, built-in ones first, then in registration order. */
    public static synchronized List<String> names() {
        return List.copyOf(FACTORIES.keySet());
    }

    /** Whether a strategy is registered under {@code name}. */
    public static synchronized boolean contains(String name) {
        return FACTORIES.containsKey(name);
    }

    /**
     * A new strategy of the kind registered under {@code name}, for {@code context}.
     *
     * @throws IllegalArgumentException if no strategy is registered under {@code name}
     * @throws IllegalStateException    if the factory's strategy calls itself by another name
     */
    public static Strategy create(String name, StrategyContext context) {
        Strategy.Factory factory;
        synchronized (StrategyRegistry.class) {
            factory = FACTORIES.get(name);
        }
        if (factory == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "'; registered: "
                    + String.join(", ", names()));
        }
        Strategy strategy = Objects.requireNonNull(factory.create(context), "the factory of " + name + " returned null");
        if (!name.equals(strategy.name())) {
            throw new IllegalStateException("the strategy registered as '" + name + "' calls itself '"
                    + strategy.name() + "'");
        }
        return strategy;
    }
}
