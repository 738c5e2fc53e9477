package dev.sublayer.evaluator.dl4j;

import dev.sublayer.space.Activation;
import dev.sublayer.evaluator.dl4j.NativeBlocks.Rows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;

import static dev.sublayer.evaluator.dl4j.NativeBlocks.CHUNK;
import static dev.sublayer.evaluator.dl4j.NativeBlocks.add;
import static dev.sublayer.evaluator.dl4j.NativeBlocks.segment;
import static dev.sublayer.evaluator.dl4j.NativeBlocks.sum;
import static dev.sublayer.evaluator.dl4j.NativeBlocks.tile;
import static dev.sublayer.evaluator.dl4j.NativeBlocks.write;

/**
 * Element-wise work of the {@link DirectTransformer} and its optimizer fused into one pass over ND4J's native
 * buffers ({@link NativeBlocks}), where ND4J would make several: the FFN's bias and activation (gated or not) and
 * their backward passes, AdamW over the flat parameters, the gradient norm, and the bias rows, copies and zeroing
 * between them.
 *
 * <p>The activation backward passes and AdamW perform exactly the floating-point operations, in the same order
 * and precision (float for float arrays), of the ND4J op sequences they replaced, so results are bit-identical
 * to those (tests). The forward activation ({@link #biasActivation}) and the norm compute in double and round
 * once per stored value: at least as accurate as the float ops they replaced, not bit-identical to them; their
 * tests compare with the formulas. Elements are independent and the norm's chunks are added in order, so the
 * split over threads changes no value.
 *
 * <p>Measured (2 shared cores, JDK 25, float, 2 threads, 2026-12-03): bias + GELU forward on {@code [4096, 512]}
 * 2.9 ms against 5.7 ms for the four ND4J ops; the GELU derivative times the incoming gradient on
 * {@code [4096, 512]}, 5.4 ms as six ND4J ops, 2.1 ms fused; AdamW over 842,496 parameters, 7.0 ms as a dozen ND4J
 * ops and two OpenBLAS {@code axpy}s, 1.5 ms fused. A bias add alone gains nothing (a pass is a pass: 0.15 ms on
 * {@code [4096, 128]} either way); it is fused only where it saves one ({@link #bias}).
 */
final class FusedKernels {

    private final SplitBlas threads;
    private final NativeBlocks blocks;

    /** Kernels split over the threads of {@code threads}. */
    FusedKernels(SplitBlas threads) {
        this.threads = threads;
        this.blocks = new NativeBlocks(threads);
    }

    /**
     * {@code dh ← dh ⊙ act'(z)} for a non-gated activation, from what its forward pass kept: {@code s} = σ(c·z)
     * for the sigmoid units (GELU: c = 1.702f), relu(z) for relu², nothing for relu (whose output {@code h}
     * gives the sign).
     */
    void activationBackward(Activation activation, double c, INDArray z, INDArray s, INDArray h, INDArray dh) {
        Kind kind = Kind.of(activation);
        MemorySegment dhs = segment(dh);
        MemorySegment first = segment(switch (kind) {
            case RELU -> h;
            case RELU2 -> s;
            case SIGMOID_UNIT -> z;
        });
        MemorySegment second = kind == Kind.SIGMOID_UNIT ? segment(s) : null;
        boolean floats = dh.dataType() == DataType.FLOAT;
        float cf = (float) c;
        blocks.chunks(dh.length(), (k, from, n) -> {
            if (floats) {
                float[] dhc = k.floats(0, dhs, from, n);
                float[] a = k.floats(1, first, from, n);
                switch (kind) {
                    case RELU -> {
                        for (int i = 0; i < n; i++) {
                            dhc[i] = dhc[i] * sign(a[i]);
                        }
                    }
                    case RELU2 -> {
                        for (int i = 0; i < n; i++) {
                            dhc[i] = dhc[i] * (a[i] * 2f);
                        }
                    }
                    case SIGMOID_UNIT -> {
                        float[] b = k.floats(2, second, from, n);
                        for (int i = 0; i < n; i++) {
                            dhc[i] = dhc[i] * sigmoidUnitDerivative(a[i], b[i], cf);
                        }
                    }
                }
                write(dhc, dhs, from, n);
            } else {
                double[] dhc = k.doubles(0, dhs, from, n);
                double[] a = k.doubles(1, first, from, n);
                switch (kind) {
                    case RELU -> {
                        for (int i = 0; i < n; i++) {
                            dhc[i] = dhc[i] * sign(a[i]);
                        }
                    }
                    case RELU2 -> {
                        for (int i = 0; i < n; i++) {
                            dhc[i] = dhc[i] * (a[i] * 2.0);
                        }
                    }
                    case SIGMOID_UNIT -> {
                        double[] b = k.doubles(2, second, from, n);
                        for (int i = 0; i < n; i++) {
                            dhc[i] = dhc[i] * sigmoidUnitDerivative(a[i], b[i], c);
                        }
                    }
                }
                write(dhc, dhs, from, n);
            }
        });
    }

    /**
     * The backward pass of a gated hidden layer {@code h = act(zg) ⊙ z} with {@code g = act(zg)}: writes
     * {@code dz = dh ⊙ g} and turns {@code dh} into {@code dzg = (dh ⊙ z) ⊙ act'(zg)}; {@code s} = σ(c·zg).
     */
    void gatedBackward(double c, INDArray z, INDArray g, INDArray zg, INDArray s, INDArray dh, INDArray dz) {
        MemorySegment dhs = segment(dh);
        MemorySegment gs = segment(g);
        MemorySegment dzs = segment(dz);
        MemorySegment zs = segment(z);
        MemorySegment zgs = segment(zg);
        MemorySegment ss = segment(s);
        boolean floats = dh.dataType() == DataType.FLOAT;
        float cf = (float) c;
        blocks.chunks(dh.length(), (k, from, n) -> {
            if (floats) {
                float[] dhc = k.floats(0, dhs, from, n);
                float[] a = k.floats(1, gs, from, n);
                for (int i = 0; i < n; i++) {
                    a[i] = dhc[i] * a[i];
                }
                write(a, dzs, from, n);
                a = k.floats(1, zs, from, n);
                float[] b = k.floats(2, zgs, from, n);
                float[] e = k.floats(3, ss, from, n);
                for (int i = 0; i < n; i++) {
                    dhc[i] = (dhc[i] * a[i]) * sigmoidUnitDerivative(b[i], e[i], cf);
                }
                write(dhc, dhs, from, n);
            } else {
                double[] dhc = k.doubles(0, dhs, from, n);
                double[] a = k.doubles(1, gs, from, n);
                for (int i = 0; i < n; i++) {
                    a[i] = dhc[i] * a[i];
                }
                write(a, dzs, from, n);
                a = k.doubles(1, zs, from, n);
                double[] b = k.doubles(2, zgs, from, n);
                double[] e = k.doubles(3, ss, from, n);
                for (int i = 0; i < n; i++) {
                    dhc[i] = (dhc[i] * a[i]) * sigmoidUnitDerivative(b[i], e[i], c);
                }
                write(dhc, dhs, from, n);
            }
        });
    }

    /**
     * One AdamW step over flat arrays, in one pass: per element {@code g ← g·scale} (when scale ≠ 1),
     * {@code m ← fma(1−β₁, g, m·β₁)}, {@code v ← fma(1−β₂, g·g, v·β₂)}, {@code p ← p·decay} (where {@code decayed}),
     * {@code p ← p − (m / (√(v / bias2) + ε))·stepSize}: the operations, roundings and order of {@link AdamW}'s
     * whole-array ops, whose {@code axpy} is an FMA in OpenBLAS's kernels (checked bit for bit by the tests
     * against the per-parameter ND4J update). The gradients are left as they were.
     *
     * @param starts  the first element of each parameter, ascending, starting at 0
     * @param decayed whether parameter i is decayed
     */
    void adamW(INDArray p, INDArray g, INDArray m, INDArray v, long[] starts, boolean[] decayed, double scale,
            double beta1, double beta2, double decay, double bias2, double epsilon, double stepSize) {
        MemorySegment ps = segment(p);
        MemorySegment gs = segment(g);
        MemorySegment ms = segment(m);
        MemorySegment vs = segment(v);
        long length = p.length();
        boolean floats = p.dataType() == DataType.FLOAT;
        blocks.chunks(length, (k, from, n) -> {
            float[] pf = null;
            float[] gf = null;
            float[] mf = null;
            float[] vf = null;
            double[] pd = null;
            double[] gd = null;
            double[] md = null;
            double[] vd = null;
            if (floats) {
                pf = k.floats(0, ps, from, n);
                gf = k.floats(1, gs, from, n);
                mf = k.floats(2, ms, from, n);
                vf = k.floats(3, vs, from, n);
            } else {
                pd = k.doubles(0, ps, from, n);
                gd = k.doubles(1, gs, from, n);
                md = k.doubles(2, ms, from, n);
                vd = k.doubles(3, vs, from, n);
            }
            int param = java.util.Arrays.binarySearch(starts, from);
            param = param >= 0 ? param : -param - 2;
            for (int at = 0; at < n; param++) {                      // the chunk's share of each parameter
                long end = param + 1 < starts.length ? starts[param + 1] : length;
                int to = (int) Math.min(n, end - from);
                boolean decays = decayed[param] && decay != 1.0;
                if (floats) {
                    adamW(pf, gf, mf, vf, at, to, scale != 1.0, (float) scale, (float) beta1, (float) (1 - beta1),
                            (float) beta2, (float) (1 - beta2), decays, (float) decay, (float) bias2, (float) epsilon,
                            (float) stepSize);
                } else {
                    adamW(pd, gd, md, vd, at, to, scale != 1.0, scale, beta1, 1 - beta1, beta2, 1 - beta2, decays,
                            decay, bias2, epsilon, stepSize);
                }
                at = to;
            }
            if (floats) {
                write(pf, ps, from, n);
                write(mf, ms, from, n);
                write(vf, vs, from, n);
            } else {
                write(pd, ps, from, n);
                write(md, ms, from, n);
                write(vd, vs, from, n);
            }
        });
    }

    private static void adamW(float[] p, float[] g, float[] m, float[] v, int from, int to, boolean scaled, float scale,
            float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, boolean decays, float decay, float bias2,
            float epsilon, float stepSize) {
        for (int i = from; i < to; i++) {
            float gi = scaled ? g[i] * scale : g[i];
            float mi = Math.fma(oneMinusBeta1, gi, m[i] * beta1);
            float vi = Math.fma(oneMinusBeta2, gi * gi, v[i] * beta2);
            float pi = decays ? p[i] * decay : p[i];
            float u = (float) Math.sqrt(vi / bias2) + epsilon;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi - (mi / u) * stepSize;
        }
    }

    private static void adamW(double[] p, double[] g, double[] m, double[] v, int from, int to, boolean scaled,
            double scale, double beta1, double oneMinusBeta1, double beta2, double oneMinusBeta2, boolean decays,
            double decay, double bias2, double epsilon, double stepSize) {
        for (int i = from; i < to; i++) {
            double gi = scaled ? g[i] * scale : g[i];
            double mi = Math.fma(oneMinusBeta1, gi, m[i] * beta1);
            double vi = Math.fma(oneMinusBeta2, gi * gi, v[i] * beta2);
            double pi = decays ? p[i] * decay : p[i];
            double u = Math.sqrt(vi / bias2) + epsilon;
            m[i] = mi;
            v[i] = vi;
            p[i] = pi - (mi / u) * stepSize;
        }
    }

    /**
     * A hidden layer's bias and activation in one pass: {@code z ← z + b} (row-broadcast, in place: backward
     * needs it; no bias when {@code bias} is null), {@code h = act(z)}, and what the derivative needs in
     * {@code s}: σ(c·z) for the sigmoid units (GELU, SiLU), relu(z) for relu², nothing for relu ({@code s} may
     * then be null).
     *
     * <p>Not the ND4J ops' rounding: the sigmoid is computed in double ({@link #sigmoid}) and rounded once,
     * where libnd4j's float sigmoid calls {@code expf}; values differ from it in the last bit or so.
     */
    void biasActivation(Activation activation, double c, INDArray bias, INDArray z, INDArray s, INDArray h) {
        Kind kind = Kind.of(activation);
        int cols = (int) z.size(1);
        Rows zr = Rows.of(z);
        Rows hr = Rows.of(h);
        Rows sr = kind == Kind.RELU ? null : Rows.of(s);
        double[] b = bias == null ? null : tile(Rows.of(bias).vector(), cols);
        boolean floats = zr.floats();
        double cf = floats ? (float) c : c;
        blocks.rows((int) z.size(0), cols, (k, part, first, count) -> {
            int n = count * cols;
            double[] zv = zr.read(k, 0, first, count);
            double[] hv = k.doubles(1, n);
            double[] sv = k.doubles(2, n);
            if (b != null) {
                add(zv, b, n, floats);
            }
            switch (kind) {
                case RELU -> {
                    for (int i = 0; i < n; i++) {
                        hv[i] = Math.max(zv[i], 0.0);
                    }
                }
                case RELU2 -> {
                    for (int i = 0; i < n; i++) {
                        sv[i] = Math.max(zv[i], 0.0);
                        hv[i] = sv[i] * sv[i];
                    }
                }
                case SIGMOID_UNIT -> {
                    if (floats) {                                // σ's argument rounded as ND4J's float product was
                        for (int i = 0; i < n; i++) {
                            double sg = sigmoid((float) (zv[i] * cf));
                            sv[i] = sg;
                            hv[i] = zv[i] * sg;
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            double sg = sigmoid(zv[i] * cf);
                            sv[i] = sg;
                            hv[i] = zv[i] * sg;
                        }
                    }
                }
            }
            if (b != null) {
                zr.write(k, zv, first, count);
            }
            hr.write(k, hv, first, count);
            if (sr != null) {
                sr.write(k, sv, first, count);
            }
        });
    }

    /**
     * A gated hidden layer's biases and activation in one pass: {@code zg ← zg + b_gate}, {@code s = σ(c·zg)},
     * {@code g = zg·s}, {@code z ← z + b} and {@code h = g ⊙ z}, keeping zg, s, g and z for backward; the biases may
     * be null (none). The same values as {@link #biasActivation} on the gate followed by ND4J's product, bit for
     * bit: g is rounded to the array's type before the product, as it was stored.
     */
    void gatedActivation(double c, INDArray gateBias, INDArray zg, INDArray valueBias, INDArray z, INDArray s,
            INDArray g, INDArray h) {
        int cols = (int) z.size(1);
        Rows zgr = Rows.of(zg);
        Rows zr = Rows.of(z);
        Rows sr = Rows.of(s);
        Rows gr = Rows.of(g);
        Rows hr = Rows.of(h);
        double[] bg = gateBias == null ? null : tile(Rows.of(gateBias).vector(), cols);
        double[] bv = valueBias == null ? null : tile(Rows.of(valueBias).vector(), cols);
        boolean floats = zr.floats();
        double cf = floats ? (float) c : c;
        blocks.rows((int) z.size(0), cols, (k, part, first, count) -> {
            int n = count * cols;
            double[] gate = zgr.read(k, 0, first, count);
            double[] value = zr.read(k, 1, first, count);
            double[] sv = k.doubles(2, n);
            double[] gv = k.doubles(3, n);
            double[] hv = k.doubles(4, n);
            if (bg != null) {
                add(gate, bg, n, floats);
            }
            if (bv != null) {
                add(value, bv, n, floats);
            }
            if (floats) {
                for (int i = 0; i < n; i++) {
                    double sg = sigmoid((float) (gate[i] * cf));
                    sv[i] = sg;
                    gv[i] = (float) (gate[i] * sg);
                    hv[i] = gv[i] * value[i];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    double sg = sigmoid(gate[i] * cf);
                    sv[i] = sg;
                    gv[i] = gate[i] * sg;
                    hv[i] = gv[i] * value[i];
                }
            }
            if (bg != null) {
                zgr.write(k, gate, first, count);
            }
            if (bv != null) {
                zr.write(k, value, first, count);
            }
            sr.write(k, sv, first, count);
            gr.write(k, gv, first, count);
            hr.write(k, hv, first, count);
        });
    }

    /** Every value of the dense array {@code a} set to 0 (all bits 0: +0.0 in float and double). */
    void zero(INDArray a) {
        segment(a).fill((byte) 0);
    }

    /** {@code dst ← src}, arrays of one type and length: a plain copy of the native memory, split over the threads. */
    void copy(INDArray src, INDArray dst) {
        if (src.dataType() != dst.dataType() || src.length() != dst.length()) {
            throw new IllegalArgumentException("copy needs arrays of one type and length, got " + src.shapeInfoToString()
                    + " and " + dst.shapeInfoToString());
        }
        MemorySegment from = segment(src);
        MemorySegment to = segment(dst);
        long bytes = from.byteSize();
        threads.parallel(p -> {
            long start = bytes * p / threads.threads() / Long.BYTES * Long.BYTES;
            long end = p + 1 == threads.threads() ? bytes : bytes * (p + 1) / threads.threads() / Long.BYTES * Long.BYTES;
            MemorySegment.copy(from, start, to, start, end - start);
        });
    }

    /**
     * Every row of {@code y} set to the bias {@code b}, or, when {@code accumulate}, {@code y ← y + b}: the start
     * of a linear map whose product then adds to {@code y} (one pass where a product and a bias add after it
     * make two; a residual stream takes its sublayer's bias before the product).
     */
    void bias(INDArray y, INDArray bias, boolean accumulate) {
        int cols = (int) y.size(1);
        Rows yr = Rows.of(y);
        double[] b = tile(Rows.of(bias).vector(), cols);
        boolean floats = yr.floats();
        blocks.rows((int) y.size(0), cols, (k, part, first, count) -> {
            if (accumulate) {
                double[] yv = yr.read(k, 0, first, count);
                add(yv, b, count * cols, floats);
                yr.write(k, yv, first, count);
            } else {
                yr.write(k, b, first, count);
            }
        });
    }

    /**
     * σ(x) = 1/(1 + e^(−x)) in double from the one exponential e = e^(−|x|), which
     * {@link DirectTransformer#expOfNonPositive} computes with multiplications and additions only: 1/(1 + e) for
     * x ≥ 0, e/(1 + e) below, the choice made by a clamp instead of a branch so that the JIT vectorises loops over
     * it (1.7 ns per value against 4.4 for one over {@link Math#exp}; a branch or a second exponential stops the
     * vectorisation). Within 3e-11 relative of the exact value for |x| ≤ 40 (test); σ(±0) = 1/2.
     */
    static double sigmoid(double x) {
        double e = DirectTransformer.expOfNonPositive(-Math.abs(x));
        double positive = Math.min(1.0, Math.max(0.0, x * 1e30));     // 1 for x ≥ 1e-30, 0 for x ≤ 0; e ≈ 1 between
        return (e + (1 - e) * positive) / (1 + e);
    }

    /**
     * The L2 norm √(Σ x²) of a whole float or double array, summed in double: per chunk, then over the chunks in
     * order, so the result is the same for any thread count. For the gradient clipping, in one pass over the flat
     * gradients.
     */
    double norm2(INDArray a) {
        MemorySegment as = segment(a);
        long length = a.length();
        boolean floats = a.dataType() == DataType.FLOAT;
        double[] partial = new double[Math.toIntExact((length + CHUNK - 1) / CHUNK)];
        blocks.chunks(length, (k, from, n) -> {
            double[] x = k.doubles(0, n);
            if (floats) {
                float[] f = k.floats(0, as, from, n);
                for (int i = 0; i < n; i++) {
                    x[i] = (double) f[i] * f[i];
                }
            } else {
                double[] d = k.doubles(1, as, from, n);
                for (int i = 0; i < n; i++) {
                    x[i] = d[i] * d[i];
                }
            }
            partial[(int) (from / CHUNK)] = sum(x, 0, n);
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return Math.sqrt(total);
    }

    /** d/dz [z·σ(cz)] = ((1 − s)·s·z)·c + s with s = σ(cz), in ND4J's order of operations (float). */
    private static float sigmoidUnitDerivative(float z, float s, float c) {
        return (((1f - s) * s) * z) * c + s;
    }

    /** The same in double. */
    private static double sigmoidUnitDerivative(double z, double s, double c) {
        return (((1.0 - s) * s) * z) * c + s;
    }

    /** libnd4j's sign: 1, -1, or 0 (also for NaN). */
    private static float sign(float x) {
        return (x > 0 ? 1f : 0f) - (x < 0 ? 1f : 0f);
    }

    private static double sign(double x) {
        return (x > 0 ? 1.0 : 0.0) - (x < 0 ? 1.0 : 0.0);
    }

    /** The activation kinds by what their derivative reads. */
    private enum Kind {
        RELU, RELU2, SIGMOID_UNIT;

        static Kind of(Activation activation) {
            return switch (activation) {
                case RELU -> RELU;
                case RELU2 -> RELU2;
                case GELU, SWIGLU, GEGLU -> SIGMOID_UNIT;
            };
        }
    }
}
