package dev.sublayer.evaluator.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.sublayer.space.Activation;
import dev.sublayer.evaluator.ParameterLayout;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.NormKind;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Sublayer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoder-only transformer of an {@link Architecture} as eager PyTorch operations through DJL's
 * {@link NDArray} API; the same model, parameter for parameter, as the DL4J engine's
 * {@code TransformerModel}. Read it top to bottom: {@link #forward} embeds the tokens, stacks the sublayers
 * (each wrapped by {@link #sublayer} in its norm and residual; {@link #block} picks {@link #attention},
 * {@link #feedForward}, {@link #deepFeedForward}, attention + FFN for a parallel block, or
 * {@link #mixtureOfExperts}), and ends in the head and the loss.
 *
 * <p>Shapes: {@code B} sequences of {@code T = context} tokens, {@code d = d_model}, {@code V} token ids.
 * The residual stream is a {@code [B·T, d]} matrix so that every projection is one GEMM with its bias
 * ({@code torch.linear}); only attention reshapes it into heads. The functions are those of the DL4J model:
 * additive −1e9 causal mask, the activations of {@link dev.sublayer.space.Activation} (GELU = {@code x·σ(1.702x)},
 * SwiGLU's {@code silu(z) = z·σ(z)}), LayerNorm or RMSNorm with ε = 1e-5, cross-entropy averaged over the
 * positions whose weight is not zero. Mixture-of-experts sublayers are computed densely, as in the DL4J model:
 * every expert runs on every token and the router's gate, zero outside each token's top-k, weights the
 * outputs; their Switch load-balancing losses, times {@code moeAuxWeight}, are added to the training
 * {@linkplain Output#objective() objective}, while {@linkplain Output#loss() the loss} stays the plain
 * cross-entropy that validation and the learning curve report.
 *
 * <p>Parameters are created from the engine-independent {@link ParameterLayout} and its seeded
 * initialiser; they live in this model's own {@link NDManager} until {@link #close()}. The arrays a forward
 * pass creates belong to whatever {@link ai.djl.ndarray.NDScope} the caller has open.
 */
public final class DjlTransformer implements AutoCloseable {

    /** LayerNorm's ε ({@link NormKind#EPSILON}) as the float that PyTorch's fused kernel takes. */
    private static final float LAYER_NORM_EPSILON = (float) NormKind.EPSILON;

    /** Additive mask value for future positions: exp(-1e9) is exactly 0 in float32 and float64. */
    private static final double MASKED = -1e9;

    /**
     * GELU's {@code x·σ(1.702x)} with 1.702 as a float32 constant, exactly as DL4J's kernel has it: in float32
     * nothing changes, and in float64 the two engines then compute the same function to the last bit.
     */
    private static final double GELU_SCALE = 1.702f;

    private final NDManager manager;
    private final Architecture arch;
    private final ModelShape shape;
    private final DataType dtype;
    private final ParameterLayout layout;
    private final Map<String, NDArray> params = new LinkedHashMap<>();
    private final NDArray causalMask;
    private final double moeAuxWeight;
    private final int d;
    private final int t;
    private final int v;

    private DjlTransformer(NDManager parent, Architecture arch, ModelShape shape, DataType dtype, long seed,
                           double initStd, double moeAuxWeight) {
        this.manager = parent.newSubManager();
        this.moeAuxWeight = moeAuxWeight;
        this.arch = arch;
        this.shape = shape;
        this.dtype = dtype;
        this.layout = ParameterLayout.of(arch, shape, initStd);
        this.d = arch.dModel();
        this.t = arch.context();
        this.v = shape.vocabSize();
        try {
            ParameterLayout.Initialiser init = layout.initialiser(seed);
            for (ParameterLayout.Parameter p : layout.parameters()) {
                NDArray value = array(init.next(p.name()), new Shape(p.dims()));
                value.setRequiresGradient(true);
                NDScope.unregister(value); // lives as long as the model, whatever scope the caller has open
                params.put(p.name(), value);
            }
            this.causalMask = causalMask();
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Builds the model and its initial weights in a sub-manager of {@code parent} (which decides the device).
     *
     * @param dtype        {@link DataType#FLOAT32} for training, {@link DataType#FLOAT64} for gradient checks
     * @param seed         the seed of the initial weights
     * @param initStd      standard deviation of the weight matrices (see {@link ParameterLayout})
     * @param moeAuxWeight weight of the MoE load-balancing loss in the objective, >= 0
     */
    public static DjlTransformer build(NDManager parent, Architecture arch, ModelShape shape, DataType dtype, long seed,
                                       double initStd, double moeAuxWeight) {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) {
            throw new IllegalArgumentException("dtype must be float32 or float64, got " + dtype);
        }
        if (!(moeAuxWeight >= 0) || Double.isInfinite(moeAuxWeight)) {
            throw new IllegalArgumentException("moe_aux_weight must be a finite number >= 0, got " + moeAuxWeight);
        }
        return new DjlTransformer(parent, arch, shape, dtype, seed, initStd, moeAuxWeight);
    }

    /** {@link #build(NDManager, Architecture, ModelShape, DataType, long, double, double)} with the default MoE weight. */
    public static DjlTransformer build(NDManager parent, Architecture arch, ModelShape shape, DataType dtype, long seed,
                                       double initStd) {
        return build(parent, arch, shape, dtype, seed, initStd, dev.sublayer.evaluator.TrainingConfig.DEFAULT_MOE_AUX_WEIGHT);
    }

    /**
     * {@code [T, T]}: 0 where key position <= query position, -1e9 above the diagonal. Built by PyTorch, so
     * that a context too long for memory fails as PyTorch's allocation failure (out of memory).
     */
    private NDArray causalMask() {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray positions = scratch.arange(t);
            NDArray future = positions.reshape(1, t).gt(positions.reshape(t, 1));      // key > query
            NDArray mask = future.toType(dtype, false).muli(MASKED);
            mask.attach(manager);
            NDScope.unregister(mask);
            return mask;
        }
    }

    private NDArray array(double[] values, Shape s) {
        if (dtype == DataType.FLOAT64) {
            return manager.create(values, s);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return manager.create(f, s);
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * What one forward pass over a batch gives.
     *
     * @param loss      mean cross-entropy (nats) over the positions that count: what is reported
     * @param objective what training differentiates: {@code loss}, plus {@code moeAuxWeight} times the
     *                  load-balancing losses of the MoE sublayers if there are any
     * @param logits    {@code [B·T, V]}
     */
    public record Output(NDArray loss, NDArray objective, NDArray logits) {
    }

    /** The forward pass; gradients flow to the parameters when called inside a gradient collector. */
    public Output forward(Inputs in) {
        List<NDArray> auxLosses = new ArrayList<>();
        NDArray x = in.tokens().getNDArrayInternal().embedding(in.tokens(), p("wte"), SparseFormat.DENSE)
                .singletonOrThrow();                                                 // [B·T, d]
        x = x.reshape(-1, t, d).add(p("wpe")).reshape(-1, d);

        List<Sublayer> sublayers = arch.sublayers();
        for (int i = 0; i < sublayers.size(); i++) {
            x = sublayer("h" + i, x, sublayers.get(i), auxLosses);
        }
        if (arch.norm() == NormPlacement.PRE) {
            x = norm("ln_f", x);
        }

        NDArray logits = shape.tiedHead() ? x.matMul(p("wte").transpose()) : x.matMul(p("head"));
        NDArray logProbabilities = logits.logSoftmax(1);
        NDArray picked = logProbabilities.gather(in.targets(), 1).reshape(-1);        // log p(target), [B·T]
        NDArray loss = picked.mul(in.weights()).sum().neg().div(in.counted());
        NDArray objective = loss;
        if (!auxLosses.isEmpty()) {
            NDArray aux = auxLosses.getFirst();
            for (NDArray more : auxLosses.subList(1, auxLosses.size())) {
                aux = aux.add(more);
            }
            objective = loss.add(aux.mul(moeAuxWeight));
        }
        return new Output(loss, objective, logits);
    }

    /** The training objective of {@code in}, see {@link #forward}. */
    public NDArray objective(Inputs in) {
        return forward(in).objective();
    }

    /** One sublayer: its norm, its block and, if it has one, its residual connection. */
    private NDArray sublayer(String name, NDArray x, Sublayer s, List<NDArray> auxLosses) {
        if (arch.norm() == NormPlacement.PRE) {
            NDArray y = block(name, norm(name + ".ln", x), s, auxLosses);
            return s.residual() ? x.add(y) : y;
        }
        NDArray y = block(name, x, s, auxLosses);
        return norm(name + ".ln", s.residual() ? x.add(y) : y);
    }

    /** The transformation inside a sublayer's norm and residual. */
    private NDArray block(String name, NDArray x, Sublayer s, List<NDArray> auxLosses) {
        return switch (s) {
            case Sublayer.Attention a -> attention(name + ".attn", x, a.heads());
            case Sublayer.FeedForward f -> feedForward(name + ".ffn", x, f.width(), f.activation());
            case Sublayer.DeepFeedForward f -> deepFeedForward(name + ".ffn", x, f.layers(), f.activation());
            // Parallel block: attention and FFN read the same normalised input; their outputs are summed.
            case Sublayer.Parallel p -> attention(name + ".attn", x, p.heads())
                    .add(feedForward(name + ".ffn", x, p.width(), p.activation()));
            case Sublayer.MixtureOfExperts m -> mixtureOfExperts(name + ".moe", x, m, auxLosses);
        };
    }

    /** Causal multi-head self-attention on {@code x [B·T, d]}. */
    private NDArray attention(String name, NDArray x, int heads) {
        int hd = d / heads;
        NDArray q = heads(linear(name + ".q", x), heads);                            // [B, H, T, hd]
        NDArray k = heads(linear(name + ".k", x), heads);
        NDArray val = heads(linear(name + ".v", x), heads);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(hd)).add(causalMask); // [B, H, T, T]
        NDArray attended = scores.softmax(3).matMul(val);                           // [B, H, T, hd]
        NDArray merged = attended.transpose(0, 2, 1, 3).reshape(-1, d);             // [B·T, d]
        return linear(name + ".o", merged);
    }

    /** Position-wise feed-forward block {@code d → width → d} on {@code x [B·T, d]}. */
    private NDArray feedForward(String name, NDArray x, int width, Activation activation) {
        return linear(name + ".down", hiddenLayer(name + ".up", x, activation));
    }

    /** Deep feed-forward block {@code d → width → … → width → d} with {@code layers} hidden layers. */
    private NDArray deepFeedForward(String name, NDArray x, int layers, Activation activation) {
        NDArray hidden = hiddenLayer(name + ".up", x, activation);
        for (int i = 1; i < layers; i++) {
            hidden = hiddenLayer(name + ".mid" + i, hidden, activation);
        }
        return linear(name + ".down", hidden);
    }

    /**
     * Mixture of experts on {@code x [B·T, d]}: a bias-free router, the top-k experts per token by router
     * probability (an expert is chosen when fewer than k experts have a strictly larger logit, so exact ties at
     * the k-th place choose them all, as in the DL4J model), their outputs weighted by those probabilities
     * renormalised over the chosen ones. Adds the sublayer's load-balancing loss to {@code auxLosses}.
     */
    private NDArray mixtureOfExperts(String name, NDArray x, Sublayer.MixtureOfExperts m, List<NDArray> auxLosses) {
        int e = m.experts();
        NDArray logits = x.matMul(p(name + ".router"));                             // [B·T, E]
        NDArray probabilities = logits.softmax(1);
        // Comparisons carry no gradient, exactly as in the DL4J model's graph.
        NDArray larger = logits.reshape(-1, 1, e).gt(logits.reshape(-1, e, 1)).toType(dtype, false)
                .sum(new int[] {2});                                                // [B·T, E]
        NDArray chosen = larger.lt(m.topK()).toType(dtype, false);
        NDArray kept = probabilities.mul(chosen);
        NDArray gates = kept.div(kept.sum(new int[] {1}, true));
        NDArray out = null;
        for (int i = 0; i < e; i++) {
            NDArray expert = feedForward(name + ".e" + i, x, m.width(), m.activation());
            NDArray weighted = expert.mul(gates.get(":, " + i + ":" + (i + 1)));
            out = out == null ? weighted : out.add(weighted);
        }
        // Switch Transformer's load-balancing loss: E · Σᵢ fᵢ·Pᵢ, fᵢ the share of routing choices that went to
        // expert i (divided by k so the shares sum to 1), Pᵢ its mean router probability; 1 when balanced.
        // Every position counts, also those the loss weights leave out: the router sees them all.
        NDArray share = chosen.mean(new int[] {0}).div(m.topK());
        auxLosses.add(share.mul(probabilities.mean(new int[] {0})).sum().mul(e));
        return out;
    }

    /**
     * A linear map into a hidden layer followed by the activation; a gated activation computes
     * {@code act(x·W_gate + b_gate) ⊙ (x·W + b)} with its own gate map {@code name_gate}.
     */
    private NDArray hiddenLayer(String name, NDArray x, Activation activation) {
        if (activation.gated()) {
            NDArray gate = linear(name + "_gate", x);
            NDArray value = linear(name, x);
            NDArray activated = switch (activation) {
                case SWIGLU -> gate.mul(ai.djl.nn.Activation.sigmoid(gate));                         // silu
                case GEGLU -> gelu(gate);
                case RELU, GELU, RELU2 -> throw new IllegalStateException(activation + " is not gated");
            };
            return activated.mul(value);
        }
        NDArray hidden = linear(name, x);
        return switch (activation) {
            case GELU -> gelu(hidden);
            case RELU -> ai.djl.nn.Activation.relu(hidden);
            case RELU2 -> ai.djl.nn.Activation.relu(hidden).square();
            case SWIGLU, GEGLU -> throw new IllegalStateException(activation + " is gated");
        };
    }

    /** {@code x·σ(1.702x)}, as in the DL4J model. */
    private static NDArray gelu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x.mul(GELU_SCALE)));
    }

    /** {@code [B·T, d] → [B, H, T, d/H]}. */
    private NDArray heads(NDArray x, int heads) {
        return x.reshape(-1, t, heads, d / heads).transpose(0, 2, 1, 3);
    }

    /** The architecture's norm over the features of {@code x [B·T, d]}. */
    private NDArray norm(String name, NDArray x) {
        return switch (arch.normKind()) {
            case LAYER -> x.getNDArrayInternal().layerNorm(x, new Shape(d), p(name + ".g"), p(name + ".b"),
                    LAYER_NORM_EPSILON).singletonOrThrow();
            case RMS -> rmsNorm(name, x);
        };
    }

    /** RMSNorm: {@code x / sqrt(mean(x²) + ε) · g}, gain only. */
    private NDArray rmsNorm(String name, NDArray x) {
        NDArray meanSquare = x.square().mean(new int[] {1}, true);
        return x.div(meanSquare.add(NormKind.EPSILON).sqrt()).mul(p(name + ".g"));
    }

    /** {@code x·W + b} as one {@code torch.linear} (weights are stored [in, out], linear wants [out, in]). */
    private NDArray linear(String name, NDArray x) {
        return x.getNDArrayInternal().linear(x, p(name + ".w").transpose(), p(name + ".b")).singletonOrThrow();
    }

    private NDArray p(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return a;
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * A batch as arrays on the model's device, created in the caller's scope.
     *
     * @param tokens  input ids, int64 {@code [B·T]}
     * @param targets next-token ids, int64 {@code [B·T, 1]}
     * @param weights 1 where a position counts, 0 where not, {@code [B·T]} in the model's dtype
     * @param counted the number of positions that count (at least 1, so that an all-zero batch gives loss 0)
     */
    public record Inputs(NDArray tokens, NDArray targets, NDArray weights, int counted) {
    }

    /**
     * The arrays for {@code batch} on the model's device. They belong to the model's manager and to the
     * caller's open {@link ai.djl.ndarray.NDScope}, which frees them when it closes.
     */
    public Inputs inputs(Batch batch) {
        int b = batch.size();
        if (batch.context() != t) {
            throw new IllegalArgumentException("batch has context " + batch.context() + ", the model " + t);
        }
        long[] tokens = new long[b * t];
        long[] targets = new long[b * t];
        double[] weights = new double[b * t];
        int counted = 0;
        for (int s = 0; s < b; s++) {
            for (int p = 0; p < t; p++) {
                tokens[s * t + p] = batch.inputs()[s][p];
                targets[s * t + p] = batch.targets()[s][p];
                weights[s * t + p] = batch.weights()[s][p];
                if (batch.weights()[s][p] != 0) {
                    counted++;
                }
            }
        }
        return new Inputs(manager.create(tokens), manager.create(targets, new Shape(b * t, 1)),
                array(weights, new Shape(b * t)), Math.max(1, counted));
    }

    // ---------------------------------------------------------------------------------------------

    /** The architecture this model was built from. */
    public Architecture architecture() {
        return arch;
    }

    /** The data type of weights and activations. */
    public DataType dataType() {
        return dtype;
    }

    /** The layout the parameters follow. */
    public ParameterLayout layout() {
        return layout;
    }

    /** Every parameter by name, in layout order (live arrays: changing one changes the model). */
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /** The names of the parameters that weight decay applies to. */
    public List<String> decayedParameterNames() {
        return layout.parameters().stream().filter(ParameterLayout.Parameter::decayed)
                .map(ParameterLayout.Parameter::name).toList();
    }

    /** The number of trainable scalars, counted on the built arrays. */
    public long parameterCount() {
        long n = 0;
        for (NDArray a : params.values()) {
            n += a.size();
        }
        return n;
    }

    /** The manager that owns the parameters (new long-lived arrays of this model belong here). */
    NDManager manager() {
        return manager;
    }

    /** Frees every parameter and constant now. */
    @Override
    public void close() {
        manager.close();
    }
}
