package dev.sublayer.evaluator;

/** TEMPORARY stand-in for the evaluator's contract type (CONTRACTS.md); deleted when the evaluator lands. */
public final class Engines {
    private Engines() {
    }

    public static Engine create(String name, int threads) {
        throw new IllegalArgumentException("no training engine '" + name + "' yet (the evaluator has not landed)");
    }
}
