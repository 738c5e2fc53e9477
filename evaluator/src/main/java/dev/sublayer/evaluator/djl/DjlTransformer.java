package dev.sublayer.evaluator.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import dev.sublayer.evaluator.ParameterLayout;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.NormKind;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Sublayer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoder-only transformer of an {@link Architecture} as eager PyTorch operations through DJL's
 * {@link NDArray} API; the same model, parameter for parameter, as the DL4J engine's
 * {@code TransformerModel}. Read it top to bottom: {@link #loss} embeds the tokens, stacks the sublayers
 * ({@link #attention} and {@link #feedForward}, each wrapped by {@link #sublayer} in its norm and
 * residual), and ends in the head and the loss.
 *
 * <p>Shapes: {@code B} sequences of {@code T = context} tokens, {@code d = d_model}, {@code V} token ids.
 * The residual stream is a {@code [B·T, d]} matrix so that every projection is one GEMM with its bias
 * ({@code torch.linear}); only attention reshapes it into heads. The functions are those of the DL4J model:
 * additive −1e9 causal mask, GELU = {@code x·σ(1.702x)}, LayerNorm with ε = 1e-5, cross-entropy averaged
 * over the positions whose weight is not zero.
 *
 * <p>It builds attention and plain FFN sublayers (ReLU or GELU) with LayerNorm. Deep FFNs, parallel blocks,
 * mixtures of experts, squared-ReLU and gated activations and RMSNorm, which the DL4J engine trains, are
 * refused by {@link #build} with a message naming them, so such a trial fails at once instead of computing
 * another function than its notation says.
 *
 * <p>Parameters are created from the engine-independent {@link ParameterLayout} and its seeded
 * initialiser; they live in this model's own {@link NDManager} until {@link #close()}. The arrays a forward
 * pass creates belong to whatever {@link ai.djl.ndarray.NDScope} the caller has open.
 */
public final class DjlTransformer implements AutoCloseable {

    /** LayerNorm's ε (PyTorch's default, and the DL4J model's). */
    private static final float LAYER_NORM_EPSILON = 1e-5f;

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
    private final int d;
    private final int t;
    private final int v;

    private DjlTransformer(NDManager parent, Architecture arch, ModelShape shape, DataType dtype, long seed,
                           double initStd) {
        this.manager = parent.newSubManager();
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
     * @param dtype   {@link DataType#FLOAT32} for training, {@link DataType#FLOAT64} for gradient checks
     * @param seed    the seed of the initial weights
     * @param initStd standard deviation of the weight matrices (see {@link ParameterLayout})
     */
    public static DjlTransformer build(NDManager parent, Architecture arch, ModelShape shape, DataType dtype, long seed,
                                       double initStd) {
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) {
            throw new IllegalArgumentException("dtype must be float32 or float64, got " + dtype);
        }
        List<String> unsupported = unsupported(arch);
        if (!unsupported.isEmpty()) {
            throw new IllegalArgumentException("the djl engine does not build " + String.join(", ", unsupported)
                    + " yet; train this architecture with the dl4j engine");
        }
        return new DjlTransformer(parent, arch, shape, dtype, seed, initStd);
    }

    /** What in {@code arch} this engine cannot build (sublayer tokens, RMSNorm); empty when it can build it all. */
    static List<String> unsupported(Architecture arch) {
        List<String> out = new java.util.ArrayList<>();
        if (arch.normKind() != NormKind.LAYER) {
            out.add("RMSNorm");
        }
        for (Sublayer s : arch.sublayers()) {
            boolean builds = switch (s) {
                case Sublayer.Attention ignored -> true;
                case Sublayer.FeedForward f -> f.activation() == dev.sublayer.space.Activation.GELU
                        || f.activation() == dev.sublayer.space.Activation.RELU;
                case Sublayer.DeepFeedForward ignored -> false;
                case Sublayer.Parallel ignored -> false;
                case Sublayer.MixtureOfExperts ignored -> false;
            };
            String token = dev.sublayer.space.Notation.format(s);
            if (!builds && !out.contains(token)) {
                out.add(token);
            }
        }
        return out;
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

    /** What one forward pass over a batch gives. */
    public record Output(NDArray loss, NDArray logits) {
    }

    /**
     * The forward pass: mean cross-entropy (nats) over the positions of {@code batch} that count, and the
     * logits {@code [B·T, V]}. Gradients flow to the parameters when called inside a gradient collector.
     */
    public Output forward(Inputs in) {
        NDArray x = in.tokens().getNDArrayInternal().embedding(in.tokens(), p("wte"), SparseFormat.DENSE)
                .singletonOrThrow();                                                 // [B·T, d]
        x = x.reshape(-1, t, d).add(p("wpe")).reshape(-1, d);

        List<Sublayer> sublayers = arch.sublayers();
        for (int i = 0; i < sublayers.size(); i++) {
            x = sublayer("h" + i, x, sublayers.get(i));
        }
        if (arch.norm() == NormPlacement.PRE) {
            x = layerNorm("ln_f", x);
        }

        NDArray logits = shape.tiedHead() ? x.matMul(p("wte").transpose()) : x.matMul(p("head"));
        NDArray logProbabilities = logits.logSoftmax(1);
        NDArray picked = logProbabilities.gather(in.targets(), 1).reshape(-1);        // log p(target), [B·T]
        NDArray loss = picked.mul(in.weights()).sum().neg().div(in.counted());
        return new Output(loss, logits);
    }

    /** The loss of {@code in}, see {@link #forward}. */
    public NDArray loss(Inputs in) {
        return forward(in).loss();
    }

    /** One sublayer: its norm, its block and, if it has one, its residual connection. */
    private NDArray sublayer(String name, NDArray x, Sublayer s) {
        if (arch.norm() == NormPlacement.PRE) {
            NDArray y = block(name, layerNorm(name + ".ln", x), s);
            return s.residual() ? x.add(y) : y;
        }
        NDArray y = block(name, x, s);
        return layerNorm(name + ".ln", s.residual() ? x.add(y) : y);
    }

    private NDArray block(String name, NDArray x, Sublayer s) {
        return switch (s) {
            case Sublayer.Attention a -> attention(name + ".attn", x, a.heads());
            case Sublayer.FeedForward f -> feedForward(name + ".ffn", x, f);
            case Sublayer.DeepFeedForward ignored -> throw refused(s);
            case Sublayer.Parallel ignored -> throw refused(s);
            case Sublayer.MixtureOfExperts ignored -> throw refused(s);
        };
    }

    /** For what {@link #build} already refuses. */
    private static IllegalStateException refused(Sublayer s) {
        return new IllegalStateException("the djl engine cannot build " + dev.sublayer.space.Notation.format(s));
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
    private NDArray feedForward(String name, NDArray x, Sublayer.FeedForward f) {
        NDArray hidden = linear(name + ".up", x);
        hidden = switch (f.activation()) {
            case GELU -> hidden.mul(Activation.sigmoid(hidden.mul(GELU_SCALE)));
            case RELU -> Activation.relu(hidden);
            case RELU2, SWIGLU, GEGLU -> throw refused(f);
        };
        return linear(name + ".down", hidden);
    }

    /** {@code [B·T, d] → [B, H, T, d/H]}. */
    private NDArray heads(NDArray x, int heads) {
        return x.reshape(-1, t, heads, d / heads).transpose(0, 2, 1, 3);
    }

    private NDArray layerNorm(String name, NDArray x) {
        return x.getNDArrayInternal().layerNorm(x, new Shape(d), p(name + ".g"), p(name + ".b"), LAYER_NORM_EPSILON)
                .singletonOrThrow();
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
