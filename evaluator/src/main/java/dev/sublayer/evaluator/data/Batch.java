package dev.sublayer.evaluator.data;

/**
 * One batch of next-token prediction: for every sequence {@code b} and position {@code t}, the model
 * sees {@code inputs[b][0..t]} and must predict {@code targets[b][t]}. {@code weights[b][t]} is 1 where
 * the prediction counts towards loss and accuracy and 0 where it does not (for the probes, only the
 * answer positions count; for text, every position does).
 *
 * <p>The arrays are owned by the batch; callers must not modify them.
 *
 * @param inputs  token ids, {@code [batch][context]}
 * @param targets next-token ids, {@code [batch][context]}
 * @param weights 0 or 1 per position, {@code [batch][context]}
 */
public record Batch(int[][] inputs, int[][] targets, float[][] weights) {

    public Batch {
        if (inputs.length == 0 || inputs.length != targets.length || inputs.length != weights.length) {
            throw new IllegalArgumentException("inputs, targets and weights need the same, positive batch size");
        }
        int n = inputs[0].length;
        for (int b = 0; b < inputs.length; b++) {
            if (inputs[b].length != n || targets[b].length != n || weights[b].length != n) {
                throw new IllegalArgumentException("sequence " + b + " is not " + n + " positions long");
            }
        }
    }

    /** Sequences in this batch. */
    public int size() {
        return inputs.length;
    }

    /** Positions per sequence. */
    public int context() {
        return inputs[0].length;
    }

    /** How many positions count (weight 1). */
    public int countedPositions() {
        int c = 0;
        for (float[] row : weights) {
            for (float w : row) {
                if (w != 0) {
                    c++;
                }
            }
        }
        return c;
    }
}
