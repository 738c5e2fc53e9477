package dev.sublayer.evaluator;

import dev.sublayer.space.Activation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.NormKind;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Sublayer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Every trainable parameter of the transformer built from an {@link Architecture}: its name, shape, initial
 * distribution and whether weight decay applies, in one fixed order. Every engine builds its model from
 * this layout and draws the initial values from {@link #initialiser(long)}, so that the same seed gives the
 * same initial weights whatever the engine, and the parameter count equals
 * {@link dev.sublayer.space.CostModel} by construction (a test checks it too).
 *
 * <p>Names and order, for {@code d = d_model}, {@code n = context}, {@code V} token ids, sublayer {@code i}:
 * <pre>
 *   wte [V, d]  wpe [n, d]                                     token table, learned positions
 *   per sublayer, pre-LN:   h{i}.ln.g [d], h{i}.ln.b [d], then its block
 *                 post-LN:  its block, then h{i}.ln.g, h{i}.ln.b
 *     attention A:  h{i}.attn.{q,k,v,o}.w [d, d], .b [d]  (each .w followed by its .b)
 *     FFN F:        h{i}.ffn.up.w [d, w], .up.b [w], .down.w [w, d], .down.b [d]
 *     deep FFN D:   h{i}.ffn.up [d, w], h{i}.ffn.mid1 … mid{k-1} [w, w], h{i}.ffn.down [w, d] (.w and .b each)
 *     parallel P:   the attention's, then the FFN's
 *     MoE M:        h{i}.moe.router [d, E] (no bias), then per expert j: h{i}.moe.e{j}.up, h{i}.moe.e{j}.down
 *     gated activations: every map into a hidden layer (up, mid…) is preceded by its gate, e.g.
 *                   h{i}.ffn.up_gate.w, .up_gate.b, then h{i}.ffn.up.w, .up.b
 *   ln_f.g [d], ln_f.b [d]                                     pre-LN only
 *   head [d, V]                                                untied head only
 * </pre>
 * With RMSNorm every norm has its gain {@code .g} only. Weight matrices are stored {@code [in, out]} (a
 * layer computes {@code x·W + b}). Initial values: matrices N(0, initStd²), except the projections that write
 * into the residual stream ({@code attn.o.w}, {@code ffn.down.w}, {@code moe.e{j}.down.w}), which get std
 * {@code initStd / √depth} as in GPT-2; biases and norm biases 0; norm gains 1. Weight decay applies to the
 * matrices (embeddings and the router included), not to biases or norms.
 *
 * <p>The random values are drawn from one {@link SplittableRandom} seeded with the trial seed, with
 * {@link SplittableRandom#nextGaussian()}, matrix by matrix in layout order, row-major: a pure function of
 * the seed, independent of any engine's random generator.
 */
public final class ParameterLayout {

    /** How a parameter starts. */
    public enum Init {
        /** Normal with mean 0 and the parameter's {@link Parameter#std()}. */
        NORMAL,
        /** All zeros. */
        ZEROS,
        /** All ones. */
        ONES
    }

    /**
     * One trainable parameter.
     *
     * @param name    unique name, e.g. {@code h3.attn.q.w}
     * @param shape   dimensions, row-major; one entry for vectors, two for matrices
     * @param init    the initial distribution
     * @param std     the standard deviation for {@link Init#NORMAL}, else 0
     * @param decayed whether weight decay applies
     */
    public record Parameter(String name, List<Integer> shape, Init init, double std, boolean decayed) {

        public Parameter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(init, "init");
            shape = List.copyOf(shape);
        }

        /** The number of scalars. */
        public long size() {
            long n = 1;
            for (int dim : shape) {
                n *= dim;
            }
            return n;
        }

        /** The shape as a {@code long[]}, for array libraries. */
        public long[] dims() {
            return shape.stream().mapToLong(Integer::longValue).toArray();
        }
    }

    /** Arrays of more scalars than this cannot be built in one Java array. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final List<Parameter> parameters;

    private ParameterLayout(List<Parameter> parameters) {
        this.parameters = List.copyOf(parameters);
    }

    /**
     * The layout of {@code arch} for the given vocabulary and head tying.
     *
     * @param initStd standard deviation of the weight matrices, > 0
     */
    public static ParameterLayout of(Architecture arch, ModelShape shape, double initStd) {
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("init_std must be > 0, got " + initStd);
        }
        Builder b = new Builder(initStd, initStd / Math.sqrt(arch.depth()), arch.normKind());
        int d = arch.dModel();
        int v = shape.vocabSize();
        b.matrix("wte", v, d, false);
        b.matrix("wpe", arch.context(), d, false);
        List<Sublayer> sublayers = arch.sublayers();
        for (int i = 0; i < sublayers.size(); i++) {
            String name = "h" + i;
            if (arch.norm() == NormPlacement.PRE) {
                b.norm(name + ".ln", d);
            }
            switch (sublayers.get(i)) {
                case Sublayer.Attention ignored -> b.attention(name + ".attn", d);
                case Sublayer.FeedForward f -> b.feedForward(name + ".ffn", d, f.width(), f.activation());
                case Sublayer.DeepFeedForward f -> {
                    b.hidden(name + ".ffn.up", d, f.width(), f.activation());
                    for (int j = 1; j < f.layers(); j++) {
                        b.hidden(name + ".ffn.mid" + j, f.width(), f.width(), f.activation());
                    }
                    b.linear(name + ".ffn.down", f.width(), d, true);
                }
                case Sublayer.Parallel p -> {
                    b.attention(name + ".attn", d);
                    b.feedForward(name + ".ffn", d, p.width(), p.activation());
                }
                case Sublayer.MixtureOfExperts m -> {
                    b.matrix(name + ".moe.router", d, m.experts(), false);
                    for (int j = 0; j < m.experts(); j++) {
                        b.feedForward(name + ".moe.e" + j, d, m.width(), m.activation());
                    }
                }
            }
            if (arch.norm() == NormPlacement.POST) {
                b.norm(name + ".ln", d);
            }
        }
        if (arch.norm() == NormPlacement.PRE) {
            b.norm("ln_f", d);
        }
        if (!shape.tiedHead()) {
            b.matrix("head", d, v, false);
        }
        return new ParameterLayout(b.out);
    }

    /** The parameters in layout order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) {
            n += p.size();
        }
        return n;
    }

    /** The parameter called {@code name}. */
    public Parameter parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no parameter '" + name + "' in this layout");
    }

    /** A fresh stream of the initial values for {@code seed}, to be read in layout order. */
    public Initialiser initialiser(long seed) {
        return new Initialiser(seed);
    }

    /**
     * The initial values of one model, handed out one parameter at a time in layout order (so that only one
     * parameter's values are in memory at once). Not thread-safe; one per model.
     */
    public final class Initialiser {

        private final SplittableRandom random;
        private int next;

        private Initialiser(long seed) {
            this.random = new SplittableRandom(seed);
        }

        /** Whether parameters are left. */
        public boolean hasNext() {
            return next < parameters.size();
        }

        /** The next parameter in layout order, without consuming it. */
        public Parameter peek() {
            if (!hasNext()) {
                throw new IllegalStateException("all " + parameters.size() + " parameters were handed out");
            }
            return parameters.get(next);
        }

        /**
         * The values of the next parameter, row-major, which must be called {@code name}: an engine that
         * creates its parameters in another order than the layout fails here instead of silently drawing
         * other values.
         *
         * @throws IllegalStateException when the next parameter has another name or none is left
         * @throws OutOfMemoryError      when the parameter has more values than one Java array holds
         */
        public double[] next(String name) {
            Parameter p = peek();
            if (!p.name().equals(name)) {
                throw new IllegalStateException("engine asked for parameter '" + name + "' where the layout has '"
                        + p.name() + "' (parameter " + next + ")");
            }
            next++;
            long size = p.size();
            if (size > MAX_ARRAY) {
                throw new OutOfMemoryError("parameter " + p.name() + " " + p.shape() + " has " + size
                        + " values, more than one array can hold");
            }
            double[] values = new double[(int) size];
            switch (p.init()) {
                case NORMAL -> {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = random.nextGaussian() * p.std();
                    }
                }
                case ONES -> java.util.Arrays.fill(values, 1.0);
                case ZEROS -> { }
            }
            return values;
        }

        /** The values of the next parameter, whatever its name. */
        public double[] next() {
            return next(peek().name());
        }
    }

    private static final class Builder {
        private final List<Parameter> out = new ArrayList<>();
        private final double std;
        private final double residualStd;
        private final NormKind normKind;

        Builder(double std, double residualStd, NormKind normKind) {
            this.std = std;
            this.residualStd = residualStd;
            this.normKind = normKind;
        }

        void attention(String name, int d) {
            linear(name + ".q", d, d, false);
            linear(name + ".k", d, d, false);
            linear(name + ".v", d, d, false);
            linear(name + ".o", d, d, true);
        }

        void feedForward(String name, int d, int width, Activation activation) {
            hidden(name + ".up", d, width, activation);
            linear(name + ".down", width, d, true);
        }

        /** A map into a hidden layer; a gated activation's gate map comes first. */
        void hidden(String name, int in, int width, Activation activation) {
            if (activation.gated()) {
                linear(name + "_gate", in, width, false);
            }
            linear(name, in, width, false);
        }

        void matrix(String name, int rows, int cols, boolean residualOutput) {
            out.add(new Parameter(name, List.of(rows, cols), Init.NORMAL, residualOutput ? residualStd : std, true));
        }

        void linear(String name, int in, int outWidth, boolean residualOutput) {
            matrix(name + ".w", in, outWidth, residualOutput);
            out.add(new Parameter(name + ".b", List.of(outWidth), Init.ZEROS, 0, false));
        }

        void norm(String name, int d) {
            out.add(new Parameter(name + ".g", List.of(d), Init.ONES, 0, false));
            if (normKind == NormKind.LAYER) {
                out.add(new Parameter(name + ".b", List.of(d), Init.ZEROS, 0, false));
            }
        }
    }
}
