package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.ParameterLayout;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Activation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.NormKind;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Sublayer;
import org.nd4j.autodiff.loss.LossReduce;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoder-only transformer built as a SameDiff graph from an {@link Architecture}. Read it top to
 * bottom: {@link #build} embeds the tokens, stacks the sublayers (each wrapped by {@link #sublayer} in its
 * norm and residual; {@link #block} picks {@link #attention}, {@link #feedForward}, {@link #deepFeedForward},
 * attention + FFN for a parallel block, or {@link #mixtureOfExperts}), and ends in the head and the loss.
 *
 * <p>Mixture-of-experts sublayers are computed densely: every expert runs on every token and the router's
 * gate, zero outside each token's top-k, weights the outputs. Forward values and gradients are exactly those
 * of routing each token to its top-k experts only (an unchosen expert gets a zero weight, so neither its
 * output nor its gradient reaches the loss); the compute is {@code experts / top_k} times the active path the
 * cost model counts. The Switch load-balancing loss {@code E·Σᵢ fᵢ·Pᵢ} of each MoE sublayer, times
 * {@code moeAuxWeight}, is added to {@link #OBJECTIVE}, the training objective; {@link #LOSS} stays the plain
 * cross-entropy, which validation and the learning curve report.
 *
 * <p>Shapes: {@code B} sequences of {@code T = context} tokens, {@code d = d_model}, {@code V} token ids.
 * The residual stream is kept as a {@code [B·T, d]} matrix so that every projection is one plain GEMM;
 * only attention reshapes it into heads.
 *
 * <p>Several stock ops of DL4J M2.1 are avoided on purpose (float64 finite-difference checks found them
 * wrong): the embedding is {@code oneHot(x)·E} rather than {@code gather}; the loss is
 * {@code softmaxCrossEntropy} on one-hot labels with {@code MEAN_BY_NONZERO_WEIGHT_COUNT} rather than the
 * sparse variant; GELU is {@code x·σ(1.702x)} ({@code sd.nn.gelu}), not the "precise" one; attention is
 * matmul + softmax + an additive causal mask, since the fused attention ops take no causal mask.
 *
 * <p>Parameters are created in the order of the engine-independent {@link ParameterLayout}, and their
 * initial values come from its seeded initialiser, so every engine starts from the same weights.
 */
public final class TransformerModel {

    /** Placeholder: input token ids, int32 {@code [B, T]}. */
    public static final String TOKENS = "tokens";
    /** Placeholder: next-token ids, int32 {@code [B, T]}. */
    public static final String TARGETS = "targets";
    /** Placeholder: 1 where a position counts, 0 where not, {@code [B, T]}. */
    public static final String WEIGHTS = "weights";
    /** Output: mean cross-entropy (nats) over the positions that count. */
    public static final String LOSS = "loss";
    /**
     * Output of models with MoE sublayers: {@link #LOSS} plus the weighted load-balancing losses; the variable
     * gradients are taken of ({@link #objective()} names the right one for any model).
     */
    public static final String OBJECTIVE = "objective";
    /** Output of models with MoE sublayers: the sum of their load-balancing losses, unweighted. */
    public static final String AUX_LOSS = "aux_loss";
    /** Output: logits {@code [B·T, V]}. */
    public static final String LOGITS = "logits";
    /** Output: the arg-max token id per position, {@code [B·T]}. */
    public static final String PREDICTIONS = "predictions";

    /** The norms' ε (PyTorch's LayerNorm default), shared by every engine. */
    private static final double NORM_EPSILON = NormKind.EPSILON;


    /** Bench switch: the stock fused layer_norm op instead of the composed one. */
    private static final boolean STOCK_LAYER_NORM = Boolean.getBoolean("sublayer.dl4j.stockLayerNorm");

    /** Additive mask value for future positions: exp(-1e9) is exactly 0 in float32 and float64. */
    private static final double MASKED = -1e9;

    private final SameDiff sd;
    private final Architecture arch;
    private final ModelShape shape;
    private final DataType dtype;
    private final List<String> parameterNames = new ArrayList<>();
    private final List<String> decayed = new ArrayList<>();
    private final ParameterLayout layout;
    private final ParameterLayout.Initialiser init;
    private final double initStd;
    private final double moeAuxWeight;
    private final List<SDVariable> auxLosses = new ArrayList<>();
    private String objective = LOSS;
    private final int d;
    private final int t;
    private final int v;

    private TransformerModel(Architecture arch, ModelShape shape, DataType dtype, long seed, double initStd,
            double moeAuxWeight) {
        this.sd = SameDiff.create();
        this.arch = arch;
        this.shape = shape;
        this.dtype = dtype;
        this.layout = ParameterLayout.of(arch, shape, initStd);
        this.init = layout.initialiser(seed);
        this.initStd = initStd;
        this.moeAuxWeight = moeAuxWeight;
        this.d = arch.dModel();
        this.t = arch.context();
        this.v = shape.vocabSize();
    }

    /**
     * Builds the graph and its initial weights, with the default load-balancing weight
     * {@value TrainingConfig#DEFAULT_MOE_AUX_WEIGHT}.
     *
     * @see #build(Architecture, ModelShape, DataType, long, double, double)
     */
    public static TransformerModel build(Architecture arch, ModelShape shape, DataType dtype, long seed, double initStd) {
        return build(arch, shape, dtype, seed, initStd, TrainingConfig.DEFAULT_MOE_AUX_WEIGHT);
    }

    /**
     * Builds the graph and its initial weights.
     *
     * @param dtype        {@link DataType#FLOAT} for training, {@link DataType#DOUBLE} for gradient checks
     * @param seed         the seed of the initial weights
     * @param initStd      standard deviation of the weight matrices (the projections back into the residual
     *                     stream get {@code initStd / sqrt(depth)}, as in GPT-2)
     * @param moeAuxWeight weight of the MoE load-balancing loss in the training objective, >= 0
     */
    public static TransformerModel build(Architecture arch, ModelShape shape, DataType dtype, long seed, double initStd,
            double moeAuxWeight) {
        if (!(moeAuxWeight >= 0) || Double.isInfinite(moeAuxWeight)) {
            throw new IllegalArgumentException("moe_aux_weight must be a finite number >= 0, got " + moeAuxWeight);
        }
        TransformerModel m = new TransformerModel(arch, shape, dtype, seed, initStd, moeAuxWeight);
        m.build();
        return m;
    }

    private void build() {
        SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT, -1, t);
        SDVariable targets = sd.placeHolder(TARGETS, DataType.INT, -1, t);
        SDVariable weights = sd.placeHolder(WEIGHTS, dtype, -1, t);

        // Embedding: one-hot rows times the table (gather's gradient is wrong in M2.1), plus learned positions.
        SDVariable tokenTable = matrix("wte", v, d, initStd);
        SDVariable positions = matrix("wpe", t, d, initStd);
        SDVariable x = sd.oneHot(sd.reshape(tokens, -1), v, -1, 1.0, 0.0, dtype).mmul(tokenTable); // [B·T, d]
        x = sd.reshape(sd.reshape(x, -1, t, d).add(positions), -1, d);

        List<Sublayer> sublayers = arch.sublayers();
        for (int i = 0; i < sublayers.size(); i++) {
            x = sublayer("h" + i, x, sublayers.get(i));
        }
        if (arch.norm() == NormPlacement.PRE) {
            x = norm("ln_f", x);
        }

        SDVariable logits = shape.tiedHead()
                ? sd.mmul(x, tokenTable, false, true, false)
                : x.mmul(matrix("head", d, v, initStd));
        logits = sd.identity(LOGITS, logits);
        sd.argmax(PREDICTIONS, logits, 1);

        SDVariable labels = sd.oneHot(sd.reshape(targets, -1), v, -1, 1.0, 0.0, dtype);
        SDVariable loss = sd.loss.softmaxCrossEntropy(LOSS, labels, logits, sd.reshape(weights, -1),
                LossReduce.MEAN_BY_NONZERO_WEIGHT_COUNT, 0.0);
        if (!auxLosses.isEmpty()) {
            SDVariable aux = auxLosses.getFirst();
            for (SDVariable more : auxLosses.subList(1, auxLosses.size())) {
                aux = aux.add(more);
            }
            aux = sd.identity(AUX_LOSS, aux);
            loss.add(OBJECTIVE, aux.mul(moeAuxWeight));
            objective = OBJECTIVE;
        }
        sd.setLossVariables(objective);
        if (init.hasNext()) {
            throw new IllegalStateException("the DL4J model did not create parameter " + init.peek().name()
                    + " of the layout");
        }
    }

    /** One sublayer: its norm, its block and, if it has one, its residual connection. */
    private SDVariable sublayer(String name, SDVariable x, Sublayer s) {
        if (arch.norm() == NormPlacement.PRE) {
            SDVariable y = block(name, norm(name + ".ln", x), s);
            return s.residual() ? x.add(y) : y;
        }
        SDVariable y = block(name, x, s);
        return norm(name + ".ln", s.residual() ? x.add(y) : y);
    }

    /** The transformation inside a sublayer's norm and residual. */
    private SDVariable block(String name, SDVariable x, Sublayer s) {
        return switch (s) {
            case Sublayer.Attention a -> attention(name + ".attn", x, a.heads());
            case Sublayer.FeedForward f -> feedForward(name + ".ffn", x, f.width(), f.activation());
            case Sublayer.DeepFeedForward f -> deepFeedForward(name + ".ffn", x, f.width(), f.layers(), f.activation());
            // Parallel block: attention and FFN read the same normalised input; their outputs are summed.
            case Sublayer.Parallel p -> attention(name + ".attn", x, p.heads())
                    .add(feedForward(name + ".ffn", x, p.width(), p.activation()));
            case Sublayer.MixtureOfExperts m -> mixtureOfExperts(name + ".moe", x, m);
        };
    }

    /** Causal multi-head self-attention on {@code x [B·T, d]}. */
    private SDVariable attention(String name, SDVariable x, int heads) {
        int hd = d / heads;
        SDVariable q = heads(linear(name + ".q", x, d, d, initStd), heads);  // [B, H, T, hd]
        SDVariable k = heads(linear(name + ".k", x, d, d, initStd), heads);
        SDVariable val = heads(linear(name + ".v", x, d, d, initStd), heads);
        SDVariable scores = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(hd)).add(causalMask()); // [B, H, T, T]
        SDVariable attended = sd.mmul(sd.nn.softmax(scores, 3), val);                 // [B, H, T, hd]
        SDVariable merged = sd.reshape(sd.permute(attended, 0, 2, 1, 3), -1, d);       // [B·T, d]
        return linear(name + ".o", merged, d, d, residualStd());
    }

    /** Position-wise feed-forward block {@code d → width → d} on {@code x [B·T, d]}. */
    private SDVariable feedForward(String name, SDVariable x, int width, Activation activation) {
        SDVariable hidden = hiddenLayer(name + ".up", x, d, width, activation);
        return linear(name + ".down", hidden, width, d, residualStd());
    }

    /** Deep feed-forward block {@code d → width → … → width → d} with {@code layers} hidden layers. */
    private SDVariable deepFeedForward(String name, SDVariable x, int width, int layers, Activation activation) {
        SDVariable hidden = hiddenLayer(name + ".up", x, d, width, activation);
        for (int i = 1; i < layers; i++) {
            hidden = hiddenLayer(name + ".mid" + i, hidden, width, width, activation);
        }
        return linear(name + ".down", hidden, width, d, residualStd());
    }

    /**
     * Mixture of experts on {@code x [B·T, d]}: a bias-free router, the top-k experts per token by router
     * probability, their outputs weighted by those probabilities renormalised over the chosen ones. Records
     * the sublayer's load-balancing loss for the objective. Experts whose logits tie exactly at the k-th place
     * are all chosen (with random router weights that needs an input row orthogonal to their difference).
     */
    private SDVariable mixtureOfExperts(String name, SDVariable x, Sublayer.MixtureOfExperts m) {
        int e = m.experts();
        SDVariable logits = sd.mmul(name + ".logits", x, matrix(name + ".router", d, e, initStd)); // [B·T, E]
        SDVariable probabilities = sd.nn.softmax(logits, 1);
        // An expert is chosen when fewer than k experts have a larger logit. Built from comparisons, which
        // pass no gradient, rather than top_k (it does not run in M2.1 and has no gradient).
        SDVariable larger = sd.castTo(sd.gt(sd.reshape(logits, -1, 1, e), sd.reshape(logits, -1, e, 1)), dtype)
                .sum(false, 2);                                                                   // [B·T, E]
        SDVariable chosen = sd.castTo(sd.lt(larger, (double) m.topK()), dtype);
        SDVariable kept = probabilities.mul(chosen);
        SDVariable gates = kept.div(name + ".gates", kept.sum(true, 1));
        SDVariable[] weighted = new SDVariable[e];
        for (int i = 0; i < e; i++) {
            SDVariable expert = feedForward(name + ".e" + i, x, m.width(), m.activation());
            weighted[i] = expert.mul(gates.get(SDIndex.all(), SDIndex.interval(i, i + 1)));
        }
        SDVariable out = e == 1 ? sd.identity(name + ".out", weighted[0]) : sd.math.mergeAdd(name + ".out", weighted);
        // Switch Transformer's load-balancing loss: E · Σᵢ fᵢ·Pᵢ, fᵢ the share of routing choices that went to
        // expert i (divided by k so the shares sum to 1), Pᵢ its mean router probability; 1 when balanced.
        // Every position counts, also those the loss weights leave out: the router sees them all.
        SDVariable share = chosen.mean(false, 0).div(m.topK());
        auxLosses.add(share.mul(probabilities.mean(false, 0)).sum().mul(e));
        return out;
    }

    /**
     * A linear map {@code in → width} followed by the activation; a gated activation computes
     * {@code act(x·W_gate + b_gate) ⊙ (x·W + b)} with its own gate map {@code name_gate}.
     */
    private SDVariable hiddenLayer(String name, SDVariable x, int in, int width, Activation activation) {
        if (activation.gated()) {
            SDVariable gate = linear(name + "_gate", x, in, width, initStd);
            SDVariable value = linear(name, x, in, width, initStd);
            SDVariable activated = switch (activation) {
                case SWIGLU -> sd.nn.swish(gate);
                case GEGLU -> sd.nn.gelu(gate);
                case RELU, GELU, RELU2 -> throw new IllegalStateException(activation + " is not gated");
            };
            return activated.mul(value);
        }
        SDVariable hidden = linear(name, x, in, width, initStd);
        return switch (activation) {
            case GELU -> sd.nn.gelu(hidden); // x·σ(1.702x): exact gradient, unlike preciseGelu
            case RELU -> sd.nn.relu(hidden, 0.0);
            case RELU2 -> {
                SDVariable r = sd.nn.relu(hidden, 0.0);
                yield r.mul(r);
            }
            case SWIGLU, GEGLU -> throw new IllegalStateException(activation + " is gated");
        };
    }

    /** {@code [B·T, d] → [B, H, T, d/H]}. */
    private SDVariable heads(SDVariable x, int heads) {
        return sd.permute(sd.reshape(x, -1, t, heads, d / heads), 0, 2, 1, 3);
    }

    /** {@code [T, T]}: 0 where key position <= query position, -1e9 above the diagonal. */
    private SDVariable causalMask() {
        String name = "causal_mask";
        if (sd.hasVariable(name)) {
            return sd.getVariable(name);
        }
        INDArray mask = Nd4j.zeros(dtype, t, t);
        for (int row = 0; row < t; row++) {
            for (int col = row + 1; col < t; col++) {
                mask.putScalar(row, col, MASKED);
            }
        }
        return sd.constant(name, mask);
    }

    /** The architecture's norm over the features of {@code x [B·T, d]}. */
    private SDVariable norm(String name, SDVariable x) {
        return switch (arch.normKind()) {
            case LAYER -> layerNorm(name, x);
            case RMS -> rmsNorm(name, x);
        };
    }

    /** RMSNorm: {@code x / sqrt(mean(x²) + ε) · g}, gain only. */
    private SDVariable rmsNorm(String name, SDVariable x) {
        SDVariable gain = parameter(name + ".g", new long[] {d}, false);
        SDVariable meanSquare = x.mul(x).mean(true, 1);
        return x.mul(sd.math.rsqrt(meanSquare.add(NORM_EPSILON))).mul(gain);
    }

    private SDVariable layerNorm(String name, SDVariable x) {
        SDVariable gain = parameter(name + ".g", new long[] {d}, false);
        SDVariable bias = parameter(name + ".b", new long[] {d}, false);
        if (STOCK_LAYER_NORM) {
            return sd.nn.layerNorm(x, gain, bias, false, 1);
        }
        // Written out from primitives: the stock layer_norm_bp kernel took ~40% of a training step
        // (about 120 ms per call at [4096, 128] on 2 cores); these elementwise ops and reductions take a few.
        SDVariable centred = x.sub(x.mean(true, 1));
        SDVariable variance = centred.mul(centred).mean(true, 1);
        SDVariable normalised = centred.mul(sd.math.rsqrt(variance.add(NORM_EPSILON)));
        return normalised.mul(gain).add(bias);
    }

    private SDVariable linear(String name, SDVariable x, int in, int out, double std) {
        SDVariable w = matrix(name + ".w", in, out, std);
        SDVariable b = parameter(name + ".b", new long[] {out}, false);
        return x.mmul(w).add(b);
    }

    private SDVariable matrix(String name, int rows, int cols, double std) {
        if (layout.parameter(name).std() != std) { // the layout is the reference; this graph must agree with it
            throw new IllegalStateException("parameter " + name + ": the DL4J model uses init std " + std
                    + ", the layout " + layout.parameter(name).std());
        }
        return parameter(name, new long[] {rows, cols}, true);
    }

    /** The next parameter of the layout, which must be called {@code name} and have this shape. */
    private SDVariable parameter(String name, long[] shape, boolean decay) {
        ParameterLayout.Parameter spec = init.peek();
        if (!java.util.Arrays.equals(spec.dims(), shape) || spec.decayed() != decay) {
            throw new IllegalStateException("parameter " + name + ": the DL4J model builds " + java.util.Arrays.toString(shape)
                    + (decay ? " decayed" : "") + ", the layout has " + spec);
        }
        double[] values = init.next(name);
        parameterNames.add(name);
        if (decay) {
            decayed.add(name);
        }
        return sd.var(name, Nd4j.create(values, shape, dtype));
    }

    private double residualStd() {
        return initStd / Math.sqrt(arch.depth());
    }

    // ---------------------------------------------------------------------------------------------

    /** The graph. */
    public SameDiff sameDiff() {
        return sd;
    }

    /**
     * The output whose gradient training follows: {@link #LOSS}, or {@link #OBJECTIVE} when the model has
     * mixture-of-experts sublayers.
     */
    public String objective() {
        return objective;
    }

    /** The architecture this model was built from. */
    public Architecture architecture() {
        return arch;
    }

    /** The data type of weights and activations. */
    public DataType dataType() {
        return dtype;
    }

    /** Trainable parameter names, in creation order. */
    public List<String> parameterNames() {
        return Collections.unmodifiableList(parameterNames);
    }

    /** Names of the parameters that weight decay applies to (the weight matrices and embeddings). */
    public List<String> decayedParameterNames() {
        return Collections.unmodifiableList(decayed);
    }

    /** The current value of a parameter (live: changing it changes the model). */
    public INDArray parameter(String name) {
        return sd.getVariable(name).getArr();
    }

    /** Every parameter by name, in creation order (live arrays). */
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : parameterNames) {
            out.put(name, parameter(name));
        }
        return out;
    }

    /** The number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (String name : parameterNames) {
            n += parameter(name).length();
        }
        return n;
    }

    /** The placeholder values for {@code batch}. */
    public Map<String, INDArray> feed(Batch batch) {
        int b = batch.size();
        if (batch.context() != t) {
            throw new IllegalArgumentException("batch has context " + batch.context() + ", the model " + t);
        }
        int[] tokens = new int[b * t];
        int[] targets = new int[b * t];
        double[] weights = new double[b * t];
        for (int s = 0; s < b; s++) {
            System.arraycopy(batch.inputs()[s], 0, tokens, s * t, t);
            System.arraycopy(batch.targets()[s], 0, targets, s * t, t);
            for (int p = 0; p < t; p++) {
                weights[s * t + p] = batch.weights()[s][p];
            }
        }
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(TOKENS, Nd4j.createFromArray(tokens).reshape(b, t));
        feed.put(TARGETS, Nd4j.createFromArray(targets).reshape(b, t));
        feed.put(WEIGHTS, Nd4j.create(weights, new long[] {b, t}, dtype));
        return feed;
    }
}
