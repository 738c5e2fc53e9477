package dev.sublayer.evaluator.dl4j;

import dev.sublayer.evaluator.ParameterLayout;
import dev.sublayer.evaluator.Trainer;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.evaluator.data.Batch;
import dev.sublayer.space.Activation;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.NormKind;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Sublayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoder-only transformer of an {@link Architecture} with its forward and backward passes written out
 * by hand on ND4J arrays: every matrix product is one CBLAS call ({@link Blas}), the element-wise and per-row
 * work one fused pass over the arrays' native memory ({@link FusedKernels}; the causal softmax here), on arrays
 * allocated once per batch shape. It computes the same function and gradients as
 * the SameDiff graph {@code TransformerModel} (the tests' float64 oracle; they compare on random architectures) at a
 * fraction of the cost: SameDiff M2.1 materialises every broadcast and head permutation, runs its batched
 * products at a fraction of GEMM speed and allocates each step's arrays afresh.
 *
 * <p>Read it top to bottom like {@code TransformerModel}: {@link #forward} embeds, runs the sublayers
 * ({@link Layer}: norm, {@link Block}, residual) and the head; {@link #backward} walks the same way back.
 * The residual stream is a {@code [B·T, d]} matrix; attention works on the per-head blocks of it in place.
 * Every sublayer kind is built here; mixture-of-experts sublayers dispatch each token to its top-k experts
 * only ({@link MixtureOfExperts}).
 *
 * <p>Shapes: {@code N = B·T} rows, {@code d = d_model}, {@code V} token ids, {@code w} an FFN width.
 * Parameters, names and initial values come from {@link ParameterLayout}, in its order; each parameter (and
 * its gradient) is a view of one flat array ({@link #flat()}), for the optimizer.
 */
final class DirectTransformer implements StepModel {

    /** GELU here is x·σ(1.702x) with 1.702 in float, as libnd4j's {@code gelu} and the DJL engine compute it. */
    private static final double GELU_SLOPE = 1.702f;

    private final Architecture arch;
    private final DataType dtype;
    private final int d;
    private final int t;
    private final int v;
    private final boolean tied;
    private final ParameterLayout.Initialiser init;
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final Map<String, INDArray> grads = new LinkedHashMap<>();
    private final List<String> decayed = new ArrayList<>();
    private final Map<String, INDArray> buffers = new HashMap<>();
    private final INDArray flatValues;
    private final INDArray flatGradients;
    private final List<Long> sizes = new ArrayList<>();
    private long filled;

    private final INDArray wte;
    private final INDArray wpe;
    private final List<Layer> layers = new ArrayList<>();
    private final Norm finalNorm;
    private final INDArray head;
    /** The products and per-head work, split over the engine's threads. */
    private final SplitBlas blas;
    /** Element-wise passes fused into one, on the same threads. */
    private final FusedKernels kernels;
    /** Per-row passes (norms, loss, embedding), on the same threads. */
    private final RowKernels rowKernels;

    /** Rows of the current buffers ({@code B·T}), -1 before the first batch. */
    private int rows = -1;
    private int batchSize;
    private INDArray ones;
    private int[] tokenIds = new int[0];
    private int[] targetIds = new int[0];
    /** Whether each row's prediction counts in the loss (its weight is not 0). */
    private boolean[] counted = new boolean[0];
    private final List<Integer> countedRows = new ArrayList<>();
    /** Weight of the mixture-of-experts load-balancing loss in the training objective. */
    private final double moeAuxWeight;
    private final double[][] scratch = new double[3][];

    private DirectTransformer(Architecture arch, ModelShape shape, DataType dtype, long seed, double initStd,
            double moeAuxWeight, int threads) {
        if (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) {
            throw new IllegalArgumentException("the direct model computes in FLOAT or DOUBLE, not " + dtype);
        }
        if (!(moeAuxWeight >= 0) || Double.isInfinite(moeAuxWeight)) {
            throw new IllegalArgumentException("moe_aux_weight must be a finite number >= 0, got " + moeAuxWeight);
        }
        this.moeAuxWeight = moeAuxWeight;
        this.arch = arch;
        this.dtype = dtype;
        this.d = arch.dModel();
        this.t = arch.context();
        this.v = shape.vocabSize();
        this.tied = shape.tiedHead();
        ParameterLayout layout = ParameterLayout.of(arch, shape, initStd);
        this.init = layout.initialiser(seed);
        this.flatValues = Nd4j.create(dtype, layout.parameterCount());
        this.flatGradients = Nd4j.create(dtype, layout.parameterCount());

        wte = param("wte", true, v, d);
        wpe = param("wpe", true, t, d);
        List<Sublayer> sublayers = arch.sublayers();
        for (int i = 0; i < sublayers.size(); i++) {
            layers.add(new Layer("h" + i, sublayers.get(i)));
        }
        finalNorm = arch.norm() == NormPlacement.PRE ? new Norm("ln_f") : null;
        head = tied ? null : param("head", true, d, v);
        if (init.hasNext()) {
            throw new IllegalStateException("the direct model did not create parameter " + init.peek().name());
        }
        blas = new SplitBlas(threads);
        kernels = new FusedKernels(blas);
        rowKernels = new RowKernels(blas);
    }

    /**
     * Builds the model and its initial weights, with the default load-balancing weight
     * {@value TrainingConfig#DEFAULT_MOE_AUX_WEIGHT}.
     *
     * @see #build(Architecture, ModelShape, DataType, long, double, double)
     */
    static DirectTransformer build(Architecture arch, ModelShape shape, DataType dtype, long seed, double initStd) {
        return build(arch, shape, dtype, seed, initStd, TrainingConfig.DEFAULT_MOE_AUX_WEIGHT);
    }

    /**
     * Builds the model and its initial weights, split over as many threads as OpenBLAS is set to use.
     *
     * @see #build(Architecture, ModelShape, DataType, long, double, double, int)
     */
    static DirectTransformer build(Architecture arch, ModelShape shape, DataType dtype, long seed, double initStd,
            double moeAuxWeight) {
        return build(arch, shape, dtype, seed, initStd, moeAuxWeight, Nd4j.factory().blas().getMaxThreads());
    }

    /**
     * Builds the model and its initial weights.
     *
     * @param dtype        {@link DataType#FLOAT} for training, {@link DataType#DOUBLE} for gradient checks
     * @param seed         the seed of the initial weights ({@link ParameterLayout#initialiser})
     * @param initStd      standard deviation of the weight matrices
     * @param moeAuxWeight weight of the mixture-of-experts load-balancing loss in the objective whose gradients
     *                     {@link #lossAndGradients} computes, >= 0
     * @param threads      the threads its products and fused passes are split over ({@link SplitBlas})
     * @throws IllegalArgumentException when ND4J's backend is not its CPU backend, or for a negative or infinite
     *                                  weight
     */
    static DirectTransformer build(Architecture arch, ModelShape shape, DataType dtype, long seed, double initStd,
            double moeAuxWeight, int threads) {
        String backend = Nd4j.getBackend().getClass().getSimpleName();
        if (!backend.startsWith("Cpu")) {
            throw new IllegalArgumentException("the dl4j engine trains on ND4J's CPU backend only, not " + backend
                    + "; use the djl engine on GPUs");
        }
        return new DirectTransformer(arch, shape, dtype, seed, initStd, moeAuxWeight, threads);
    }

    // ---- training and evaluation ----------------------------------------------------------------------

    @Override
    public double lossAndGradients(Batch batch) {
        return blas.exclusive(() -> {
            INDArray xf = forward(batch);
            double loss = lossAndLogitGradient(batch);
            backward(xf);
            return loss;
        });
    }

    @Override
    public Trainer.Evaluation evaluate(Batch batch) {
        return blas.exclusive(() -> evaluateNow(batch));
    }

    private Trainer.Evaluation evaluateNow(Batch batch) {
        forward(batch);
        INDArray logits = buffer("logits", rows, v);
        int[] predictions = rowKernels.argMaxRows(logits);
        long correct = 0;
        for (int row : countedRows) {
            if (predictions[row] == targetIds[row]) {
                correct++;
            }
        }
        return new Trainer.Evaluation(lossAndLogitGradient(batch), correct, countedRows.size());
    }

    /** Embedding, sublayers, final norm and head; returns the head's input and leaves the logits in "logits". */
    private INDArray forward(Batch batch) {
        setInputs(batch);
        INDArray x = buffer("x0", rows, d);
        rowKernels.embed(wte, wpe, tokenIds, x);
        for (int i = 0; i < layers.size(); i++) {
            INDArray next = buffer("x" + (i + 1), rows, d);
            layers.get(i).forward(x, next);
            x = next;
        }
        if (finalNorm != null) {
            INDArray normed = buffer("xf", rows, d);
            finalNorm.forward(x, normed);
            x = normed;
        }
        blas.gemm(x, false, tied ? wte : head, tied, buffer("logits", rows, v), 1, 0);
        return x;
    }

    /**
     * Turns the logits into the gradient of the mean cross-entropy over the counted positions (in place);
     * returns that mean.
     */
    private double lossAndLogitGradient(Batch batch) {
        double sum = rowKernels.softmaxCrossEntropy(buffer("logits", rows, v), targetIds, counted,
                1.0 / Math.max(1, countedRows.size()));
        return countedRows.isEmpty() ? Double.NaN : sum / countedRows.size();
    }

    /** Backward pass from the logit gradient left by {@link #lossAndLogitGradient}; {@code xf} is the head's input. */
    private void backward(INDArray xf) {
        INDArray dLogits = buffer("logits", rows, v);
        INDArray g = buffer("grad", rows, d);
        if (tied) {
            blas.gemm(dLogits, false, wte, false, g, 1, 0);
            blas.gemm(dLogits, true, xf, false, grads.get("wte"), 1, 0);
        } else {
            blas.gemm(dLogits, false, head, true, g, 1, 0);
            blas.gemm(xf, true, dLogits, false, grads.get("head"), 1, 0);
        }
        if (finalNorm != null) {
            finalNorm.backward(g);
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            layers.get(i).backward(buffer("x" + i, rows, d), g);
        }
        rowKernels.embedBackward(g, tokenIds, grads.get("wte"), tied, grads.get("wpe"));
    }

    /** Loads a batch: tokens, targets, counted positions; (re)allocates buffers for its size. */
    private void setInputs(Batch batch) {
        if (batch.context() != t) {
            throw new IllegalArgumentException("batch has context " + batch.context() + ", the model " + t);
        }
        int n = batch.size() * t;
        if (n != rows) {
            releaseBuffers();
            rows = n;
        }
        batchSize = batch.size();
        tokenIds = new int[rows];
        targetIds = new int[rows];
        counted = new boolean[rows];
        countedRows.clear();
        for (int s = 0; s < batchSize; s++) {
            for (int p = 0; p < t; p++) {
                int row = s * t + p;
                int token = batch.inputs()[s][p];
                if (token < 0 || token >= v) {
                    throw new IllegalArgumentException("token id " + token + " at batch row " + s + ", position " + p
                            + " is outside the vocabulary [0, " + v + ")");
                }
                tokenIds[row] = token;
                targetIds[row] = batch.targets()[s][p];
                if (batch.weights()[s][p] != 0) {
                    counted[row] = true;
                    countedRows.add(row);
                }
            }
        }
    }

    // ---- sublayers ----------------------------------------------------------------------------------------

    /** One sublayer: its norm, its block and, if it has one, its residual connection. */
    private final class Layer {
        private final String name;
        private final Norm norm;
        private final Block block;
        private final boolean residual;
        private final boolean pre = arch.norm() == NormPlacement.PRE;

        Layer(String name, Sublayer s) {
            this.name = name;
            this.residual = s.residual();
            Norm first = pre ? new Norm(name + ".ln") : null;
            this.block = switch (s) {
                case Sublayer.Attention a -> new Attention(name + ".attn", a.heads());
                case Sublayer.FeedForward f -> new FeedForward(name + ".ffn", f.width(), 1, f.activation());
                case Sublayer.DeepFeedForward f -> new FeedForward(name + ".ffn", f.width(), f.layers(), f.activation());
                case Sublayer.Parallel p -> new Parallel(new Attention(name + ".attn", p.heads()),
                        new FeedForward(name + ".ffn", p.width(), 1, p.activation()));
                case Sublayer.MixtureOfExperts m -> new MixtureOfExperts(name + ".moe", m);
            };
            this.norm = pre ? first : new Norm(name + ".ln");
        }

        /** {@code y = x + block(norm(x))} (pre-LN) or {@code y = norm(x + block(x))} (post-LN), without x when no residual. */
        void forward(INDArray x, INDArray y) {
            if (pre) {
                INDArray a = buffer(name + ".in", rows, d);
                norm.forward(x, a);
                if (residual) {
                    kernels.copy(x, y);
                }
                block.forward(a, y, residual);
            } else {
                INDArray u = buffer(name + ".sum", rows, d);
                if (residual) {
                    kernels.copy(x, u);
                }
                block.forward(x, u, residual);
                norm.forward(u, y);
            }
        }

        /** Turns {@code g = dL/dy} into {@code dL/dx} in place; {@code x} is this sublayer's input. */
        void backward(INDArray x, INDArray g) {
            INDArray scratch = buffer("layer.scratch", rows, d);
            if (pre) {
                block.backward(buffer(name + ".in", rows, d), g, scratch, false);
                norm.backward(scratch, g, residual);
            } else {
                norm.backward(g);
                if (residual) {
                    kernels.copy(g, scratch);
                    block.backward(x, scratch, g, true);
                } else {
                    block.backward(x, g, scratch, false);
                    kernels.copy(scratch, g);
                }
            }
        }
    }

    /** The transformation inside a sublayer's norm and residual. */
    private interface Block {
        /** Writes (or adds, when {@code accumulate}) the block's output for input {@code in} to {@code out}. */
        void forward(INDArray in, INDArray out, boolean accumulate);

        /**
         * Computes the parameter gradients from {@code dOut} and writes (or adds) the input gradient to
         * {@code dIn}, which must not be {@code dOut}; {@code in} is the input of the last forward pass.
         */
        void backward(INDArray in, INDArray dOut, INDArray dIn, boolean accumulate);
    }

    /** Causal multi-head self-attention. */
    private final class Attention implements Block {
        private final String name;
        private final int heads;
        private final int hd;
        private final Linear q;
        private final Linear k;
        private final Linear val;
        private final Linear o;

        Attention(String name, int heads) {
            this.name = name;
            this.heads = heads;
            this.hd = d / heads;
            this.q = new Linear(name + ".q", d, d);
            this.k = new Linear(name + ".k", d, d);
            this.val = new Linear(name + ".v", d, d);
            this.o = new Linear(name + ".o", d, d);
        }

        @Override
        public void forward(INDArray in, INDArray out, boolean accumulate) {
            INDArray qs = buffer(name + ".q", rows, d);
            INDArray ks = buffer(name + ".k", rows, d);
            INDArray vs = buffer(name + ".v", rows, d);
            q.forward(in, qs, false);
            k.forward(in, ks, false);
            val.forward(in, vs, false);
            INDArray probs = buffer(name + ".p", (long) batchSize * heads * t, t);   // [B·H·T, T]
            INDArray merged = buffer(name + ".merged", rows, d);
            double scale = 1.0 / Math.sqrt(hd);
            HeadBlocks p = new HeadBlocks(probs, t);
            perHead(batchSize * heads, (i, scratch) -> {
                long head = head(i);                                     // Q[b, :, h] at this offset, leading dim d
                long s = (long) i * t * t;                               // its [T, T] block of scores
                Blas.gemm(false, true, t, t, hd, scale, qs, head, d, ks, head, d, 0, probs, s, t);
                scratch.causalSoftmax(p, s);
                Blas.gemm(false, false, t, hd, t, 1, probs, s, t, vs, head, d, 0, merged, head, d);
            });
            o.forward(merged, out, accumulate);
        }

        @Override
        public void backward(INDArray in, INDArray dOut, INDArray dIn, boolean accumulate) {
            INDArray qs = buffer(name + ".q", rows, d);
            INDArray ks = buffer(name + ".k", rows, d);
            INDArray vs = buffer(name + ".v", rows, d);
            INDArray probs = buffer(name + ".p", (long) batchSize * heads * t, t);
            INDArray dMerged = buffer("attn.dmerged", rows, d);
            o.backward(buffer(name + ".merged", rows, d), dOut, dMerged, false);
            INDArray dScores = buffer("attn.dscores", (long) batchSize * heads * t, t);
            INDArray dv = buffer("attn.dv", rows, d);
            INDArray dq = buffer("attn.dq", rows, d);
            INDArray dk = buffer("attn.dk", rows, d);
            double scale = 1.0 / Math.sqrt(hd);
            HeadBlocks p = new HeadBlocks(probs, t);
            HeadBlocks dp = new HeadBlocks(dScores, t);
            perHead(batchSize * heads, (i, scratch) -> {
                long head = head(i);
                long s = (long) i * t * t;
                Blas.gemm(false, true, t, t, hd, 1, dMerged, head, d, vs, head, d, 0, dScores, s, t);   // dP = dO·Vᵀ
                Blas.gemm(true, false, t, hd, t, 1, probs, s, t, dMerged, head, d, 0, dv, head, d);    // dV = Pᵀ·dO
                scratch.causalSoftmaxBackward(p, dp, s);
                Blas.gemm(false, false, t, hd, t, scale, dScores, s, t, ks, head, d, 0, dq, head, d); // dQ = dS·K
                Blas.gemm(true, false, t, hd, t, scale, dScores, s, t, qs, head, d, 0, dk, head, d);  // dK = dSᵀ·Q
            });
            q.backward(in, dq, dIn, accumulate);
            k.backward(in, dk, dIn, true);
            val.backward(in, dv, dIn, true);
        }

        /** Offset of head {@code i = b·H + h} (sequence b, head h) in a {@code [B·T, d]} matrix. */
        private long head(int i) {
            return (long) (i / heads) * t * d + (long) (i % heads) * hd;
        }
    }

    /** A feed-forward block {@code d → w (→ w …) → d}: one or more hidden layers and the way down. */
    private final class FeedForward implements Block {
        private final List<Hidden> hidden = new ArrayList<>();
        private final Linear down;
        private final int width;

        FeedForward(String name, int width, int layers, Activation activation) {
            this.width = width;
            hidden.add(new Hidden(name + ".up", d, width, activation));
            for (int i = 1; i < layers; i++) {
                hidden.add(new Hidden(name + ".mid" + i, width, width, activation));
            }
            this.down = new Linear(name + ".down", width, d);
        }

        @Override
        public void forward(INDArray in, INDArray out, boolean accumulate) {
            INDArray x = in;
            for (Hidden layer : hidden) {
                x = layer.forward(x);
            }
            down.forward(x, out, accumulate);
        }

        @Override
        public void backward(INDArray in, INDArray dOut, INDArray dIn, boolean accumulate) {
            INDArray dh = buffer("ffn.dh0." + width, rows, width);
            down.backward(hidden.getLast().output(), dOut, dh, false);
            for (int i = hidden.size() - 1; i >= 0; i--) {
                boolean first = i == 0;
                INDArray below = first ? in : hidden.get(i - 1).output();
                INDArray dBelow = first ? dIn : buffer("ffn.dh" + ((hidden.size() - i) % 2) + "." + width, rows, width);
                hidden.get(i).backward(below, dh, dBelow, first && accumulate);
                dh = dBelow;
            }
        }
    }

    /** A parallel block: attention and FFN read the same input; their outputs are summed. */
    private record Parallel(Attention attention, FeedForward ffn) implements Block {
        @Override
        public void forward(INDArray in, INDArray out, boolean accumulate) {
            attention.forward(in, out, accumulate);
            ffn.forward(in, out, true);
        }

        @Override
        public void backward(INDArray in, INDArray dOut, INDArray dIn, boolean accumulate) {
            attention.backward(in, dOut, dIn, accumulate);
            ffn.backward(in, dOut, dIn, true);
        }
    }

    /**
     * Mixture of experts with sparse dispatch. The bias-free router scores every token; a token goes to the
     * experts with fewer than {@code k} strictly larger logits (its top-k; experts that tie exactly at the k-th
     * place all go), with gates = router probabilities renormalised over the chosen ones. Each expert's tokens
     * are gathered into one contiguous block of rows, each expert's FFN is one product per layer on its block
     * (the element-wise work runs once over all blocks), and the gated outputs are scattered back and summed
     * per token; backward mirrors it. No token is dropped, so values and gradients are those of the graph's
     * dense computation (the test oracle {@code TransformerModel}: every expert on every token, weighted by a gate that is zero
     * outside the top-k) at {@code k / experts} of its FFN cost. The Switch load-balancing loss
     * {@code E·Σᵢ fᵢ·Pᵢ} (fᵢ the share of routing choices that went to expert i, Pᵢ its mean router probability,
     * over every position), times the model's {@code moeAuxWeight}, adds its gradient to the router's.
     *
     * <p>Routing runs in Java on a copy of the router's logits; the gather, the scatter and their gradients run
     * on the arrays' native rows ({@link NativeBlocks.Rows}), in parallel over the threads, summing in double; every token's
     * sum runs over its experts in index order, so the result does not depend on the thread count beyond the
     * products'.
     */
    private final class MixtureOfExperts implements Block {
        private final String name;
        private final int experts;
        private final int topK;
        private final int width;
        private final Activation activation;
        private final INDArray router;
        private final INDArray dRouter;
        private final List<Linear[]> ffns = new ArrayList<>();   // per expert: {gate or null, up, down}
        /** Router probabilities of the last forward pass, {@code [N, E]}. */
        private double[] probabilities = new double[0];
        /** Row of the gathered block that holds (token, expert), {@code [N, E]}; -1 where not chosen. */
        private int[] slotOf = new int[0];
        /** Token and gate of each gathered row, grouped by expert. */
        private int[] slotRow = new int[0];
        private double[] slotGate = new double[0];
        /** Expert e's rows of the gathered block are {@code [start[e], start[e + 1])}. */
        private final int[] start;

        MixtureOfExperts(String name, Sublayer.MixtureOfExperts m) {
            this.name = name;
            this.experts = m.experts();
            this.topK = m.topK();
            this.width = m.width();
            this.activation = m.activation();
            this.router = param(name + ".router", true, d, experts);
            this.dRouter = grads.get(name + ".router");
            for (int e = 0; e < experts; e++) {
                String expert = name + ".e" + e;
                Linear gate = activation.gated() ? new Linear(expert + ".up_gate", d, width) : null;
                Linear up = new Linear(expert + ".up", d, width);
                ffns.add(new Linear[] {gate, up, new Linear(expert + ".down", width, d)});
            }
            this.start = new int[experts + 1];
        }

        private int total() {
            return start[experts];
        }

        @Override
        public void forward(INDArray in, INDArray out, boolean accumulate) {
            INDArray logits = buffer(name + ".logits", rows, experts);
            blas.gemm(in, false, router, false, logits, 1, 0);
            route(logits);
            int total = total();
            INDArray xg = buffer(name + ".xg", total, d);
            NativeBlocks.Rows x = NativeBlocks.Rows.of(in);
            NativeBlocks.Rows gathered = NativeBlocks.Rows.of(xg);
            blas.parallel(p -> {
                for (int slot = blas.from(p, total); slot < blas.from(p + 1, total); slot++) {
                    gathered.copyRow(slot, x, slotRow[slot]);
                }
            });

            INDArray z = buffer(name + ".z", total, width);
            INDArray h = buffer(name + ".h", total, width);
            INDArray s = activation == Activation.RELU ? null : buffer(name + ".s", total, width);
            eachExpert((e, from, n) -> linear(ffns.get(e)[1], xg, from, n, z));
            if (!activation.gated()) {
                kernels.biasActivation(activation, slope(activation), null, z, s, h);
            } else {
                INDArray zg = buffer(name + ".zg", total, width);
                eachExpert((e, from, n) -> linear(ffns.get(e)[0], xg, from, n, zg));
                kernels.gatedActivation(slope(activation), null, zg, null, z, s, buffer(name + ".g", total, width), h);
            }
            INDArray yg = buffer(name + ".yg", total, d);
            eachExpert((e, from, n) -> linear(ffns.get(e)[2], h, from, n, yg));

            NativeBlocks.Rows y = NativeBlocks.Rows.of(yg);
            NativeBlocks.Rows o = NativeBlocks.Rows.of(out);
            blas.parallel(p -> {
                double[] sum = new double[d];
                double[] term = new double[d];
                for (int row = blas.from(p, rows); row < blas.from(p + 1, rows); row++) {
                    if (accumulate) {
                        o.readRow(row, sum);
                    } else {
                        java.util.Arrays.fill(sum, 0.0);
                    }
                    for (int e = 0; e < experts; e++) {
                        int slot = slotOf[row * experts + e];
                        if (slot >= 0) {
                            double gate = slotGate[slot];
                            y.readRow(slot, term);
                            for (int j = 0; j < d; j++) {
                                sum[j] += gate * term[j];
                            }
                        }
                    }
                    o.writeRow(row, sum);
                }
            });
        }

        /** Probabilities, top-k choice and gates per token from {@code logits}; groups the choices by expert. */
        private void route(INDArray logits) {
            double[] l = read(logits, 0, rows * experts);
            if (probabilities.length != rows * experts) {
                probabilities = new double[rows * experts];
                slotOf = new int[rows * experts];
            }
            java.util.Arrays.fill(start, 0);
            for (int row = 0; row < rows; row++) {
                int base = row * experts;
                double max = Double.NEGATIVE_INFINITY;
                for (int e = 0; e < experts; e++) {
                    max = Math.max(max, l[base + e]);
                }
                double sum = 0;
                for (int e = 0; e < experts; e++) {
                    probabilities[base + e] = Math.exp(l[base + e] - max);
                    sum += probabilities[base + e];
                }
                for (int e = 0; e < experts; e++) {
                    probabilities[base + e] /= sum;
                    int larger = 0;
                    for (int i = 0; i < experts; i++) {
                        if (l[base + i] > l[base + e]) {
                            larger++;
                        }
                    }
                    slotOf[base + e] = larger < topK ? 0 : -1;
                    if (larger < topK) {
                        start[e + 1]++;
                    }
                }
            }
            for (int e = 0; e < experts; e++) {
                start[e + 1] += start[e];
            }
            int total = total();
            if (slotRow.length < total) {
                slotRow = new int[total];
                slotGate = new double[total];
            }
            int[] next = java.util.Arrays.copyOf(start, experts);
            for (int row = 0; row < rows; row++) {
                int base = row * experts;
                double kept = 0;
                for (int e = 0; e < experts; e++) {
                    if (slotOf[base + e] == 0) {
                        kept += probabilities[base + e];
                    }
                }
                for (int e = 0; e < experts; e++) {
                    if (slotOf[base + e] == 0) {
                        int slot = next[e]++;
                        slotOf[base + e] = slot;
                        slotRow[slot] = row;
                        slotGate[slot] = probabilities[base + e] / kept;
                    }
                }
            }
        }

        @Override
        public void backward(INDArray in, INDArray dOut, INDArray dIn, boolean accumulate) {
            int total = total();
            NativeBlocks.Rows dy = NativeBlocks.Rows.of(dOut);
            NativeBlocks.Rows y = NativeBlocks.Rows.of(buffer(name + ".yg", total, d));
            INDArray dYg = buffer("moe.dyg", total, d);
            NativeBlocks.Rows dyg = NativeBlocks.Rows.of(dYg);
            double[] dGate = scratch(1, total);
            blas.parallel(p -> {
                double[] upstream = new double[d];
                double[] output = new double[d];
                for (int slot = blas.from(p, total); slot < blas.from(p + 1, total); slot++) {
                    dy.readRow(slotRow[slot], upstream);
                    y.readRow(slot, output);
                    double gate = slotGate[slot];
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += upstream[j] * output[j];
                        output[j] = gate * upstream[j];
                    }
                    dGate[slot] = dot;
                    dyg.writeRow(slot, output);
                }
            });

            INDArray xg = buffer(name + ".xg", total, d);
            INDArray h = buffer(name + ".h", total, width);
            INDArray dh = buffer("moe.dh." + width, total, width);
            eachExpert((e, from, n) -> linearBackward(ffns.get(e)[2], h, dYg, from, n, dh, false));
            INDArray s = activation == Activation.RELU ? null : buffer(name + ".s", total, width);
            INDArray dxg = buffer("moe.dxg", total, d);
            if (!activation.gated()) {
                kernels.activationBackward(activation, slope(activation), buffer(name + ".z", total, width), s, h, dh);
                eachExpert((e, from, n) -> linearBackward(ffns.get(e)[1], xg, dh, from, n, dxg, false));
            } else {
                INDArray dz = buffer("moe.dz." + width, total, width);
                kernels.gatedBackward(slope(activation), buffer(name + ".z", total, width), buffer(name + ".g", total, width),
                        buffer(name + ".zg", total, width), s, dh, dz);
                eachExpert((e, from, n) -> {
                    linearBackward(ffns.get(e)[0], xg, dh, from, n, dxg, false);
                    linearBackward(ffns.get(e)[1], xg, dz, from, n, dxg, true);
                });
            }
            for (int e = 0; e < experts; e++) {
                if (start[e + 1] == start[e]) {                      // no token chose it: no gradient
                    for (Linear l : ffns.get(e)) {
                        if (l != null) {
                            kernels.zero(l.dw);
                            kernels.zero(l.db);
                        }
                    }
                }
            }

            INDArray dLogits = buffer("moe.dlogits." + experts, rows, experts);
            NativeBlocks.Rows.whole(dLogits).writeRow(0, routerGradient(dGate));
            blas.gemm(in, true, dLogits, false, dRouter, 1, 0);
            blas.gemm(dLogits, false, router, true, dIn, 1, accumulate ? 1 : 0);
            NativeBlocks.Rows dx = NativeBlocks.Rows.of(dIn);
            NativeBlocks.Rows dgathered = NativeBlocks.Rows.of(dxg);
            blas.parallel(p -> {
                double[] sum = new double[d];
                double[] term = new double[d];
                for (int row = blas.from(p, rows); row < blas.from(p + 1, rows); row++) {
                    dx.readRow(row, sum);
                    for (int e = 0; e < experts; e++) {
                        int slot = slotOf[row * experts + e];
                        if (slot >= 0) {
                            dgathered.readRow(slot, term);
                            for (int j = 0; j < d; j++) {
                                sum[j] += term[j];
                            }
                        }
                    }
                    dx.writeRow(row, sum);
                }
            });
        }

        /**
         * The gradient of the router logits: through the gates (renormalised over the chosen experts) from
         * {@code dGate} per gathered row, and through the load-balancing loss; then through the softmax.
         */
        private double[] routerGradient(double[] dGate) {
            double[] out = scratch(2, rows * experts);
            double[] balance = new double[experts];           // d(weight · aux)/d p[row, e], the same for every row
            for (int e = 0; e < experts; e++) {
                double share = (double) (start[e + 1] - start[e]) / rows / topK;
                balance[e] = moeAuxWeight * experts * share / rows;
            }
            double[] dp = new double[experts];
            for (int row = 0; row < rows; row++) {
                int base = row * experts;
                double kept = 0;
                double weighted = 0;
                for (int e = 0; e < experts; e++) {
                    int slot = slotOf[base + e];
                    if (slot >= 0) {
                        kept += probabilities[base + e];
                        weighted += dGate[slot] * slotGate[slot];
                    }
                }
                double dot = 0;
                for (int e = 0; e < experts; e++) {
                    int slot = slotOf[base + e];
                    dp[e] = balance[e] + (slot >= 0 ? (dGate[slot] - weighted) / kept : 0);
                    dot += dp[e] * probabilities[base + e];
                }
                for (int e = 0; e < experts; e++) {
                    out[base + e] = probabilities[base + e] * (dp[e] - dot);
                }
            }
            return out;
        }

        /** Runs {@code work} for every expert that has tokens, with its rows of the gathered block. */
        private void eachExpert(ExpertWork work) {
            for (int e = 0; e < experts; e++) {
                int n = start[e + 1] - start[e];
                if (n > 0) {
                    work.run(e, start[e], n);
                }
            }
        }
    }

    /** Work on one expert's rows {@code [from, from + n)} of a gathered block. */
    private interface ExpertWork {
        void run(int expert, int from, int n);
    }

    /** {@code y[from…from+n) = x[from…from+n)·W + b}: a linear map on a block of rows. */
    private void linear(Linear l, INDArray x, int from, int n, INDArray y) {
        int in = (int) l.w.size(0);
        blas.gemm(false, false, n, l.out, in, 1, x, (long) from * in, in, l.w, 0, l.out, 0, y, (long) from * l.out, l.out);
        blas.gemm(false, false, n, l.out, 1, 1, ones(n), 0, 1, l.b, 0, l.out, 1, y, (long) from * l.out, l.out);
    }

    /**
     * The gradients of a {@link #linear} map on rows {@code [from, from + n)}: of W and b (overwritten), and
     * {@code dx} on those rows (written, or added when {@code accumulate}).
     */
    private void linearBackward(Linear l, INDArray x, INDArray dy, int from, int n, INDArray dx, boolean accumulate) {
        int in = (int) l.w.size(0);
        blas.gemm(true, false, in, l.out, n, 1, x, (long) from * in, in, dy, (long) from * l.out, l.out, 0, l.dw, 0, l.out);
        blas.gemv(true, n, l.out, 1, dy, (long) from * l.out, ones(n), 0, l.db);
        blas.gemm(false, true, n, in, l.out, 1, dy, (long) from * l.out, l.out, l.w, 0, l.out, accumulate ? 1 : 0,
                dx, (long) from * in, in);
    }

    /**
     * A hidden layer {@code h = act(x·W + b)}; a gated activation computes {@code act(x·W_g + b_g) ⊙ (x·W + b)}
     * with its own gate map {@code name_gate}.
     */
    private final class Hidden {
        private final String name;
        private final Activation activation;
        private final Linear gate;
        private final Linear linear;
        private final int width;

        Hidden(String name, int in, int width, Activation activation) {
            this.name = name;
            this.width = width;
            this.activation = activation;
            this.gate = activation.gated() ? new Linear(name + "_gate", in, width) : null;
            this.linear = new Linear(name, in, width);
        }

        INDArray output() {
            return buffer(name + ".h", rows, width);
        }

        INDArray forward(INDArray x) {
            INDArray z = buffer(name + ".z", rows, width);
            INDArray h = output();
            if (gate == null) {
                linear.product(x, z);
                kernels.biasActivation(activation, slope(activation), linear.b, z,
                        activation == Activation.RELU ? null : buffer(name + ".s", rows, width), h);
            } else {
                linear.product(x, z);
                INDArray zg = buffer(name + ".zg", rows, width);
                gate.product(x, zg);
                kernels.gatedActivation(slope(activation), gate.b, zg, linear.b, z, buffer(name + ".s", rows, width),
                        buffer(name + ".g", rows, width), h);
            }
            return h;
        }

        /** {@code dh} (overwritten) is the gradient of the output; writes or adds the input gradient to {@code dx}. */
        void backward(INDArray x, INDArray dh, INDArray dx, boolean accumulate) {
            if (gate == null) {
                kernels.activationBackward(activation, slope(activation), buffer(name + ".z", rows, width),
                        activation == Activation.RELU ? null : buffer(name + ".s", rows, width), output(), dh);
                linear.backward(x, dh, dx, accumulate);
            } else {
                INDArray dz = buffer("ffn.dz." + width, rows, width);
                kernels.gatedBackward(slope(activation), buffer(name + ".z", rows, width), buffer(name + ".g", rows, width),
                        buffer(name + ".zg", rows, width), buffer(name + ".s", rows, width), dh, dz);
                gate.backward(x, dh, dx, accumulate);
                linear.backward(x, dz, dx, true);
            }
        }
    }

    /** The c of a sigmoid unit x·σ(cx) (GELU 1.702f, SiLU 1); unused by relu and relu². */
    private static double slope(Activation activation) {
        return activation == Activation.GELU || activation == Activation.GEGLU ? GELU_SLOPE : 1.0;
    }

    // ---- per-head attention work ---------------------------------------------------------------------------

    /** Work on one (sequence, head) pair {@code i = b·H + h}, with a scratch space of its thread. */
    private interface HeadWork {
        void run(int i, HeadScratch scratch);
    }

    /**
     * Runs {@code work} for {@code i} in {@code [0, n)}, in contiguous shares over the threads. Each {@code i}
     * writes its own blocks with the same calls whatever the share it falls in.
     */
    private void perHead(int n, HeadWork work) {
        blas.parallel(p -> {
            HeadScratch scratch = new HeadScratch(t);
            for (int i = blas.from(p, n); i < blas.from(p + 1, n); i++) {
                work.run(i, scratch);
            }
        });
    }

    /** The {@code [T, T]} blocks of a {@code [B·H·T, T]} float or double array, in its native memory. */
    private record HeadBlocks(MemorySegment memory, boolean floats, int t) {
        HeadBlocks(INDArray a, int t) {
            this(NativeBlocks.segment(a), a.dataType() == DataType.FLOAT, t);
        }

        /** {@code dst[0…n)} = the first {@code n} values of row {@code r} of the block at element {@code block}. */
        void readRow(long block, int r, int n, double[] dst, float[] staged) {
            long at = block + (long) r * t;
            if (floats) {
                MemorySegment.copy(memory, ValueLayout.JAVA_FLOAT, at * Float.BYTES, staged, 0, n);
                for (int j = 0; j < n; j++) {
                    dst[j] = staged[j];
                }
            } else {
                MemorySegment.copy(memory, ValueLayout.JAVA_DOUBLE, at * Double.BYTES, dst, 0, n);
            }
        }

        /** The first {@code n} values of that row = {@code src[0…n)}, the rest of the row 0. */
        void writeRow(double[] src, int n, long block, int r, float[] staged) {
            long at = block + (long) r * t;
            if (floats) {
                for (int j = 0; j < n; j++) {
                    staged[j] = (float) src[j];
                }
                java.util.Arrays.fill(staged, n, t, 0f);
                MemorySegment.copy(staged, 0, memory, ValueLayout.JAVA_FLOAT, at * Float.BYTES, t);
            } else {
                java.util.Arrays.fill(src, n, t, 0.0);
                MemorySegment.copy(src, 0, memory, ValueLayout.JAVA_DOUBLE, at * Double.BYTES, t);
            }
        }

        /** The block at element {@code block} = {@code src}, rounded to float for a float array. */
        void write(double[] src, long block, float[] staged) {
            int n = t * t;
            if (floats) {
                for (int i = 0; i < n; i++) {
                    staged[i] = (float) src[i];
                }
                MemorySegment.copy(staged, 0, memory, ValueLayout.JAVA_FLOAT, block * Float.BYTES, n);
            } else {
                MemorySegment.copy(src, 0, memory, ValueLayout.JAVA_DOUBLE, block * Double.BYTES, n);
            }
        }
    }

    /**
     * The causal softmax and its backward pass on a {@code [T, T]} block, in double on a copy of the block, only
     * over each row's causal part (row r: keys 0…r), with a thread's arrays.
     */
    private static final class HeadScratch {
        private final int t;
        private final double[] p;
        private final double[] g;
        private final float[] staged;
        /** The causal parts of a block's rows end to end: T·(T+1)/2 values. */
        private final double[] packed;

        HeadScratch(int t) {
            this.t = t;
            this.p = new double[t * t];
            this.g = new double[t * t];
            this.staged = new float[t * t];
            this.packed = new double[t * (t + 1) / 2];
        }

        /**
         * Scores → probabilities in the block at {@code block}: row r over keys 0..r; keys after r (the future) get
         * 0. The rows' causal parts, less their maxima, are packed end to end first, so that the exponentials run
         * as one long loop (vectorised) instead of T short ones (mostly scalar: half the rows are under 64 long).
         */
        void causalSoftmax(HeadBlocks blocks, long block) {
            blocks.readRow(block, 0, t * t, p, staged);                 // the whole block
            for (int r = 0, at = 0; r < t; at += ++r) {
                int base = r * t;
                double max = max(p, base, r + 1);
                for (int j = 0; j <= r; j++) {
                    packed[at + j] = p[base + j] - max;
                }
            }
            int total = t * (t + 1) / 2;
            for (int i = 0; i < total; i++) {
                packed[i] = expOfNonPositive(packed[i]);
            }
            for (int r = 0, at = 0; r < t; at += ++r) {
                int base = r * t;
                double inverse = 1 / NativeBlocks.sum(packed, at, at + r + 1);
                for (int j = 0; j <= r; j++) {
                    p[base + j] = packed[at + j] * inverse;
                }
                java.util.Arrays.fill(p, base + r + 1, base + t, 0.0);
            }
            blocks.write(p, block, staged);
        }

        /**
         * dP → dS = P ⊙ (dP − Σⱼ dPⱼ·Pⱼ) per row, in place in {@code grads}, with P in {@code probs}: row by row over
         * the causal parts only (whole blocks, twice as many values, measured slower here).
         */
        void causalSoftmaxBackward(HeadBlocks probs, HeadBlocks grads, long block) {
            for (int r = 0; r < t; r++) {
                int n = r + 1;
                probs.readRow(block, r, n, p, staged);
                grads.readRow(block, r, n, g, staged);
                double dot = 0;
                double dot1 = 0;
                int j = 0;
                for (; j + 1 < n; j += 2) {
                    dot += g[j] * p[j];
                    dot1 += g[j + 1] * p[j + 1];
                }
                if (j < n) {
                    dot += g[j] * p[j];
                }
                dot += dot1;
                for (j = 0; j < n; j++) {
                    g[j] = p[j] * (g[j] - dot);
                }
                grads.writeRow(g, n, block, r, staged);
            }
        }

        /**
         * The largest of a[from…from+n): a comparison rather than {@link Math#max}, whose NaN and signed-zero
         * rules make it several times slower here; a NaN score still makes its row NaN through the exponential.
         */
        private static double max(double[] a, int from, int n) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = from; j < from + n; j++) {
                double v = a[j];
                m = v > m ? v : m;
            }
            return m;
        }
    }

    /**
     * {@code exp(x)} for {@code x <= 0}: within 4e-12 relative for {@code x >= -30}, 2e-8 down to -100 (where
     * a softmax term is below 1e-13 of the row's largest and no longer counts), clamped below: a degree-6
     * Taylor polynomial at {@code x/1024}, squared ten times. Only multiplications and additions, so the JIT
     * vectorises loops over it: 0.65 ns per value against 3 ns for {@link Math#exp}.
     */
    static double expOfNonPositive(double x) {
        double z = Math.max(x, -100.0) * (1.0 / 1024);
        double p = 1 + z * (1 + z * (1.0 / 2 + z * (1.0 / 6 + z * (1.0 / 24 + z * (1.0 / 120 + z * (1.0 / 720))))));
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        return p;
    }

    // ---- layers with parameters -------------------------------------------------------------------------

    /** {@code y = x·W + b} with {@code W [in, out]}. */
    private final class Linear {
        private final INDArray w;
        private final INDArray b;
        private final INDArray dw;
        private final INDArray db;
        private final int out;

        Linear(String name, int in, int out) {
            this.out = out;
            this.w = param(name + ".w", true, in, out);
            this.b = param(name + ".b", false, out);
            this.dw = grads.get(name + ".w");
            this.db = grads.get(name + ".b");
        }

        void forward(INDArray x, INDArray y, boolean accumulate) {
            kernels.bias(y, b, accumulate);
            blas.gemm(x, false, w, false, y, 1, 1);
        }

        /** {@code y = x·W}, the bias left to a fused pass that follows. */
        void product(INDArray x, INDArray y) {
            blas.gemm(x, false, w, false, y, 1, 0);
        }

        /** Gradients of W and b from the input {@code x} and {@code dy}; writes or adds {@code dx = dy·Wᵀ}. */
        void backward(INDArray x, INDArray dy, INDArray dx, boolean accumulate) {
            blas.gemm(x, true, dy, false, dw, 1, 0);
            blas.gemv(true, 1, dy, ones(rows), 0, db);
            blas.gemm(dy, false, w, true, dx, 1, accumulate ? 1 : 0);
        }
    }

    /** LayerNorm ({@code (x − mean)/√(var + ε)·g + b}) or RMSNorm ({@code x/√(mean(x²) + ε)·g}) over the features. */
    private final class Norm {
        private final String name;
        private final INDArray g;
        private final INDArray b;
        private final INDArray dg;
        private final INDArray db;

        Norm(String name) {
            this.name = name;
            this.g = param(name + ".g", false, d);
            this.b = arch.normKind() == NormKind.LAYER ? param(name + ".b", false, d) : null;
            this.dg = grads.get(name + ".g");
            this.db = b == null ? null : grads.get(name + ".b");
        }

        void forward(INDArray x, INDArray y) {
            rowKernels.norm(x, g, b, NormKind.EPSILON, buffer(name + ".xhat", rows, d), buffer(name + ".rstd", rows, 1), y);
        }

        /** In place: {@code dy} becomes {@code dx}. */
        void backward(INDArray dy) {
            backward(dy, dy, false);
        }

        /** Writes {@code dx} for the output gradient {@code dy} to {@code dx}, or adds it when {@code accumulate}. */
        void backward(INDArray dy, INDArray dx, boolean accumulate) {
            rowKernels.normBackward(dy, buffer(name + ".xhat", rows, d), buffer(name + ".rstd", rows, 1), g, dg, db, dx,
                    accumulate);
        }
    }

    // ---- parameters and buffers -----------------------------------------------------------------------

    /** The next parameter of the layout, which must be called {@code name} and have this shape. */
    private INDArray param(String name, boolean decay, long... shape) {
        ParameterLayout.Parameter spec = init.peek();
        if (!java.util.Arrays.equals(spec.dims(), shape) || spec.decayed() != decay) {
            throw new IllegalStateException("parameter " + name + ": the direct model builds "
                    + java.util.Arrays.toString(shape) + (decay ? " decayed" : "") + ", the layout has " + spec);
        }
        long size = spec.size();
        INDArray p = flatValues.get(NDArrayIndex.interval(filled, filled + size)).reshape('c', shape);
        INDArray initial = Nd4j.create(init.next(name), shape, dtype);
        p.assign(initial);
        initial.close();
        params.put(name, p);
        grads.put(name, flatGradients.get(NDArrayIndex.interval(filled, filled + size)).reshape('c', shape));
        sizes.add(size);
        filled += size;
        if (decay) {
            decayed.add(name);
        }
        return p;
    }

    /** The working array called {@code name}, allocated (zeroed) on first use for the current batch shape. */
    private INDArray buffer(String name, long r, long c) {
        INDArray a = buffers.get(name);
        if (a == null || a.size(0) != r || a.size(1) != c) {
            if (a != null) {
                buffers.remove(name);                 // first: if the allocation below fails, close() must not free it again
                a.close();
            }
            a = Nd4j.zeros(dtype, r, c);
            buffers.put(name, a);
        }
        return a;
    }

    /** Java scratch array number {@code slot}, at least {@code len} long (contents undefined). */
    private double[] scratch(int slot, int len) {
        if (scratch[slot] == null || scratch[slot].length < len) {
            scratch[slot] = new double[len];
        }
        return scratch[slot];
    }

    /** All {@code len} values of the dense array {@code a}, in scratch array {@code slot}. */
    private double[] read(INDArray a, int slot, int len) {
        double[] out = scratch(slot, len);
        NativeBlocks.Rows.whole(a).readRow(0, out);
        return out;
    }

    /** A vector of at least {@code n} ones. */
    private INDArray ones(long n) {
        if (ones == null || ones.length() < n) {
            if (ones != null) {
                INDArray old = ones;
                ones = null;                           // first: if the allocation below fails, close() must not free it again
                old.close();
            }
            ones = Nd4j.ones(dtype, Math.max(n, Math.max(rows, 1)));
        }
        return ones;
    }

    private void releaseBuffers() {
        for (INDArray a : buffers.values()) {
            a.close();
        }
        buffers.clear();
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /** The fused element-wise kernels on this model's threads (the optimizer's update runs on them too). */
    FusedKernels kernels() {
        return kernels;
    }

    @Override
    public java.util.Optional<FlatParameters> flat() {
        return java.util.Optional.of(new FlatParameters(flatValues, flatGradients, List.copyOf(params.keySet()), sizes));
    }

    @Override
    public Map<String, INDArray> gradients() {
        return Collections.unmodifiableMap(grads);
    }

    @Override
    public List<String> decayedParameterNames() {
        return Collections.unmodifiableList(decayed);
    }

    @Override
    public long parameterCount() {
        long n = 0;
        for (INDArray p : params.values()) {
            n += p.length();
        }
        return n;
    }

    @Override
    public void close() {
        releaseBuffers();
        flatValues.close();
        flatGradients.close();
        blas.close();
        if (ones != null) {
            ones.close();
        }
    }
}
