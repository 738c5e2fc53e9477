package dev.sublayer.evaluator;

/** TEMPORARY stand-in for the evaluator's contract type (CONTRACTS.md); deleted when the evaluator lands. */
public interface TrialListener {
    TrialListener NONE = (step, tokens, loss) -> { };

    void progress(long step, long tokens, double loss);
}
