package dev.sublayer.evaluator.dl4j;

import dev.sublayer.space.Activation;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Element-wise and per-row work of the {@link DirectTransformer} fused into one pass over ND4J's native buffers,
 * where ND4J would make several: the buffers are read through {@link MemorySegment}s over their addresses (no
 * ND4J call, no JNI), a chunk or a block of rows at a time into small Java arrays that stay in the L1 cache,
 * where the JIT vectorises the arithmetic, and written back the same way.
 *
 * <p>Two kinds of kernels. The activation backward passes and AdamW perform exactly the floating-point operations,
 * in the same order and precision (float for float arrays), of the ND4J op sequences they replaced, so results are
 * bit-identical to those (tests). The forward activation ({@link #biasActivation}) and the norms ({@link #norm},
 * {@link #normBackward}) compute in double and round once per stored value, so they are at least as accurate as
 * the float op sequences they replaced but not bit-identical to them; their tests compare with the formulas.
 * Elements and rows are independent, so the split over threads does not change a value; the norms' gain and bias
 * gradients, sums over rows, are added per thread and then over the threads in order, so they depend on the
 * thread count only, like the split products ({@link SplitBlas}).
 *
 * <p>Measured (2 shared cores, JDK 25, float, 2 threads, 2026-12-03): bias + GELU forward on {@code [4096, 512]}
 * 2.9 ms against 5.7 ms for the four ND4J ops; LayerNorm on {@code [4096, 128]} 0.5 ms forward and 0.9 ms backward
 * against about 1.9 and 2.2 ms for the ND4J ops and GEMVs; the GELU derivative times the incoming gradient on
 * {@code [4096, 512]}, 5.4 ms as six ND4J ops, 2.1 ms fused; AdamW over 842,496 parameters, 7.0 ms as a dozen ND4J
 * ops and two OpenBLAS {@code axpy}s, 1.5 ms fused. A bias add alone gains nothing (a pass is a pass: 0.15 ms on
 * {@code [4096, 128]} either way); it is fused only where it saves one ({@link #bias}).
 */
final class FusedKernels {

    /** Elements per chunk: three float chunks fit in a 32 KB L1 cache with room to spare. */
    private static final int CHUNK = 2048;

    private static final ThreadLocal<Chunks> CHUNKS = ThreadLocal.withInitial(Chunks::new);

    private final SplitBlas threads;

    /** Kernels split over the threads of {@code threads}. */
    FusedKernels(SplitBlas threads) {
        this.threads = threads;
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
        run(dh.length(), (k, from, n) -> {
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
        run(dh.length(), (k, from, n) -> {
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
        run(length, (k, from, n) -> {
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
        runRows((int) z.size(0), cols, (k, part, first, count) -> {
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
        runRows((int) z.size(0), cols, (k, part, first, count) -> {
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

    /**
     * The column of the largest value of each row (the first of equal ones; NaN counts as larger than any number,
     * as a prediction that cannot be right).
     */
    int[] argMaxRows(INDArray a) {
        int rows = (int) a.size(0);
        int cols = (int) a.size(1);
        Rows ar = Rows.of(a);
        int[] out = new int[rows];
        runRows(rows, cols, (k, part, first, count) -> {
            double[] v = ar.read(k, 0, first, count);
            for (int r = 0; r < count; r++) {
                int at = r * cols;
                int best = 0;
                for (int j = 1; j < cols; j++) {
                    double x = v[at + j];
                    double m = v[at + best];
                    if (x > m || (Double.isNaN(x) && !Double.isNaN(m))) {
                        best = j;
                    }
                }
                out[first + r] = best;
            }
        });
        return out;
    }

    /**
     * LayerNorm ({@code b} given) or RMSNorm ({@code b} null) over each row of {@code x}, in double, one pass per
     * row: {@code x̂ = (x − mean)·rstd} (no mean for RMSNorm), {@code rstd = 1/√(var + ε)} (var = mean of squares
     * for RMSNorm), {@code y = x̂·g + b}. Keeps x̂ and rstd ({@code [rows, 1]}) for {@link #normBackward}.
     */
    void norm(INDArray x, INDArray g, INDArray b, double epsilon, INDArray xhat, INDArray rstd, INDArray y) {
        int cols = (int) x.size(1);
        Rows xr = Rows.of(x);
        Rows xhr = Rows.of(xhat);
        Rows yr = Rows.of(y);
        Rows rr = Rows.of(rstd);
        double[] gain = tile(Rows.of(g).vector(), cols);
        double[] shift = tile(b == null ? new double[cols] : Rows.of(b).vector(), cols);
        runRows((int) x.size(0), cols, (k, part, first, count) -> {
            double[] xv = xr.read(k, 0, first, count);
            double[] yv = k.doubles(1, count * cols);
            double[] rv = k.doubles(2, count);
            for (int r = 0; r < count; r++) {
                int at = r * cols;
                int end = at + cols;
                double mean = b == null ? 0.0 : sum(xv, at, end) / cols;
                for (int j = at; j < end; j++) {
                    xv[j] -= mean;
                    yv[j] = xv[j] * xv[j];
                }
                double rs = 1.0 / Math.sqrt(sum(yv, at, end) / cols + epsilon);
                for (int j = at; j < end; j++) {
                    xv[j] *= rs;
                    yv[j] = xv[j] * gain[j] + shift[j];
                }
                rv[r] = rs;
            }
            xhr.write(k, xv, first, count);
            yr.write(k, yv, first, count);
            rr.write(k, rv, first, count);
        });
    }

    /**
     * The backward pass of {@link #norm}, one pass per row: the gain's (and bias's) gradients {@code dg = Σ dy·x̂},
     * {@code db = Σ dy} over the rows (overwritten; summed per thread, then over the threads in order, so the
     * result depends on the thread count only), and {@code dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))} with
     * {@code dx̂ = dy·g} (no mean(dx̂) term for RMSNorm, {@code db} null), written to {@code dx} or, when
     * {@code accumulate}, added to it. {@code dx} may be {@code dy}.
     */
    void normBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray g, INDArray dg, INDArray db, INDArray dx,
            boolean accumulate) {
        int cols = (int) dy.size(1);
        Rows dyr = Rows.of(dy);
        Rows xhr = Rows.of(xhat);
        Rows dxr = Rows.of(dx);
        Rows rr = Rows.of(rstd);
        double[] gain = tile(Rows.of(g).vector(), cols);
        boolean centred = db != null;
        double[][] dgParts = new double[threads.threads()][gain.length];   // per thread and row of a block
        double[][] dbParts = new double[threads.threads()][gain.length];
        runRows((int) dy.size(0), cols, (k, part, first, count) -> {
            double[] dv = dyr.read(k, 0, first, count);
            double[] xv = xhr.read(k, 1, first, count);
            double[] rv = rr.read(k, 2, first, count);
            double[] ov = accumulate ? dxr.read(k, 3, first, count) : k.doubles(3, count * cols);
            double[] dgp = dgParts[part];
            double[] dbp = dbParts[part];
            double[] products = k.doubles(4, count * cols);
            for (int j = 0; j < count * cols; j++) {
                dgp[j] += dv[j] * xv[j];
                dbp[j] += dv[j];
                dv[j] *= gain[j];                                          // dx̂
                products[j] = dv[j] * xv[j];
            }
            for (int r = 0; r < count; r++) {
                int at = r * cols;
                double mean = centred ? sum(dv, at, at + cols) / cols : 0.0;
                double projection = sum(products, at, at + cols) / cols;
                double rs = rv[r];
                if (accumulate) {
                    for (int j = at; j < at + cols; j++) {
                        ov[j] += rs * (dv[j] - mean - xv[j] * projection);
                    }
                } else {
                    for (int j = at; j < at + cols; j++) {
                        ov[j] = rs * (dv[j] - mean - xv[j] * projection);
                    }
                }
            }
            dxr.write(k, ov, first, count);
        });
        Rows.of(dg).writeVector(total(dgParts, cols));
        if (db != null) {
            Rows.of(db).writeVector(total(dbParts, cols));
        }
    }

    /**
     * The embedding: row r of {@code x} = row {@code ids[r]} of {@code table} + row {@code r mod T} of
     * {@code positions} ({@code [T, d]}), each sum one float addition for float arrays (what the one-hot product
     * and the row-vector add it replaces gave, bit for bit).
     */
    void embed(INDArray table, INDArray positions, int[] ids, INDArray x) {
        int cols = (int) x.size(1);
        int t = (int) positions.size(0);
        Rows tr = Rows.of(table);
        Rows pr = Rows.of(positions);
        Rows xr = Rows.of(x);
        boolean floats = xr.floats();
        runRows((int) x.size(0), cols, (k, part, first, count) -> {
            double[] xv = k.doubles(0, count * cols);
            for (int r = 0; r < count; r++) {
                int row = first + r;
                double[] word = tr.read(k, 1, ids[row], 1);
                double[] position = pr.read(k, 2, row % t, 1);
                for (int j = 0; j < cols; j++) {
                    double sum = word[j] + position[j];
                    xv[r * cols + j] = floats ? (float) sum : sum;
                }
            }
            xr.write(k, xv, first, count);
        });
    }

    /**
     * The embedding's backward pass: {@code dTable[id] += g[r]} over the rows r with that id (written, or added
     * to {@code dTable} when {@code accumulate}) and {@code dPositions[p] = Σ g[r]} over the rows at position p.
     * Split over the threads by columns, each column summed in double over the rows in order, so the result does
     * not depend on the thread count.
     */
    void embedBackward(INDArray g, int[] ids, INDArray dTable, boolean accumulate, INDArray dPositions) {
        int rows = (int) g.size(0);
        int cols = (int) g.size(1);
        int vocab = (int) dTable.size(0);
        int t = (int) dPositions.size(0);
        MemorySegment gs = segment(g);
        MemorySegment ts = segment(dTable);
        MemorySegment ps = segment(dPositions);
        boolean floats = g.dataType() == DataType.FLOAT;
        threads.parallel(p -> {
            int from = threads.from(p, cols);
            int width = threads.from(p + 1, cols) - from;
            if (width == 0) {
                return;
            }
            double[] words = new double[vocab * width];
            double[] positions = new double[t * width];
            for (int row = 0; row < rows; row++) {
                int w = ids[row] * width;
                int q = (row % t) * width;
                long at = (long) row * cols + from;
                for (int j = 0; j < width; j++) {
                    double value = floats ? gs.getAtIndex(ValueLayout.JAVA_FLOAT, at + j) : gs.getAtIndex(ValueLayout.JAVA_DOUBLE, at + j);
                    words[w + j] += value;
                    positions[q + j] += value;
                }
            }
            for (int id = 0; id < vocab; id++) {
                for (int j = 0; j < width; j++) {
                    long at = (long) id * cols + from + j;
                    double before = !accumulate ? 0 : floats ? ts.getAtIndex(ValueLayout.JAVA_FLOAT, at) : ts.getAtIndex(ValueLayout.JAVA_DOUBLE, at);
                    set(ts, at, before + words[id * width + j], floats);
                }
            }
            for (int q = 0; q < t; q++) {
                for (int j = 0; j < width; j++) {
                    set(ps, (long) q * cols + from + j, positions[q * width + j], floats);
                }
            }
        });
    }

    /**
     * Logits → the gradient of the mean cross-entropy over the counted rows, in place, in double per row (max,
     * exponentials, their sum, then {@code (p − onehot(target))·share}; uncounted rows get 0); returns the sum of
     * the counted rows' cross-entropies ({@code max + log Σ e − logit[target]}), added in row order.
     *
     * @param share the weight of one counted row: 1 / their number
     */
    double softmaxCrossEntropy(INDArray logits, int[] targets, boolean[] counted, double share) {
        int rows = (int) logits.size(0);
        int cols = (int) logits.size(1);
        Rows lr = Rows.of(logits);
        double[] losses = new double[rows];
        runRows(rows, cols, (k, part, first, count) -> {
            double[] l = lr.read(k, 0, first, count);
            for (int r = 0; r < count; r++) {
                int row = first + r;
                int at = r * cols;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = at; j < at + cols; j++) {
                    double value = l[j];
                    max = value > max ? value : max;
                }
                double target = l[at + targets[row]];
                for (int j = at; j < at + cols; j++) {
                    l[j] = DirectTransformer.expOfNonPositive(l[j] - max);
                }
                double total = sum(l, at, at + cols);
                losses[row] = max + Math.log(total) - target;
                double scale = counted[row] ? share / total : 0.0;
                for (int j = at; j < at + cols; j++) {
                    l[j] *= scale;
                }
                if (counted[row]) {
                    l[at + targets[row]] -= share;
                }
            }
            lr.write(k, l, first, count);
        });
        double sum = 0;
        for (int row = 0; row < rows; row++) {
            if (counted[row]) {
                sum += losses[row];
            }
        }
        return sum;
    }

    private static void set(MemorySegment memory, long at, double value, boolean floats) {
        if (floats) {
            memory.setAtIndex(ValueLayout.JAVA_FLOAT, at, (float) value);
        } else {
            memory.setAtIndex(ValueLayout.JAVA_DOUBLE, at, value);
        }
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
        runRows((int) y.size(0), cols, (k, part, first, count) -> {
            if (accumulate) {
                double[] yv = yr.read(k, 0, first, count);
                add(yv, b, count * cols, floats);
                yr.write(k, yv, first, count);
            } else {
                yr.write(k, b, first, count);
            }
        });
    }

    /** {@code y[0…n) ← y[0…n) + b[0…n)}, each sum rounded to float when {@code floats} (a float addition). */
    private static void add(double[] y, double[] b, int n, boolean floats) {
        if (floats) {
            for (int i = 0; i < n; i++) {
                y[i] = (float) (y[i] + b[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                y[i] += b[i];
            }
        }
    }

    /**
     * {@code row} repeated for every row of a block of {@link #runRows}. Loops over a block then index every
     * array alike, which the JIT vectorises; it does not vectorise a loop that indexes one array of a type at
     * {@code at + j} and another at {@code j} (they might be the same array).
     */
    private static double[] tile(double[] row, int cols) {
        int block = rowsPerBlock(cols);
        double[] out = new double[block * cols];
        for (int r = 0; r < block; r++) {
            System.arraycopy(row, 0, out, r * cols, cols);
        }
        return out;
    }

    private static int rowsPerBlock(int cols) {
        return Math.max(1, CHUNK / Math.max(1, cols));
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

    /** Σ a[from..to) with four running sums, so that the additions overlap; a fixed order, so deterministic. */
    static double sum(double[] a, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = from;
        for (; j + 3 < to; j += 4) {
            s0 += a[j];
            s1 += a[j + 1];
            s2 += a[j + 2];
            s3 += a[j + 3];
        }
        for (; j < to; j++) {
            s0 += a[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The per-thread, per-row-of-a-block partial sums ({@link #tile}d) added up, threads and rows in order. */
    private static double[] total(double[][] parts, int cols) {
        double[] out = new double[cols];
        for (double[] part : parts) {
            for (int at = 0; at < part.length; at += cols) {
                for (int j = 0; j < cols; j++) {
                    out[j] += part[at + j];
                }
            }
        }
        return out;
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
        run(length, (k, from, n) -> {
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

    // ---- chunks over native memory ----------------------------------------------------------------------

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

    /** Work on the elements {@code [from, from + n)}, {@code n <= CHUNK}, with the thread's chunk arrays. */
    private interface ChunkWork {
        void run(Chunks chunks, long from, int n);
    }

    /** Runs {@code work} over elements {@code [0, length)}, in chunks, split over the threads. */
    private void run(long length, ChunkWork work) {
        long chunks = (length + CHUNK - 1) / CHUNK;
        threads.parallel(p -> {
            Chunks k = CHUNKS.get();
            long first = chunks * p / threads.threads();
            long last = chunks * (p + 1) / threads.threads();
            for (long chunk = first; chunk < last; chunk++) {
                long from = chunk * CHUNK;
                work.run(k, from, (int) Math.min(CHUNK, length - from));
            }
        });
    }

    /** Work on rows {@code [first, first + count)}, in part {@code part} of the split, with the thread's arrays. */
    private interface RowWork {
        void run(Chunks chunks, int part, int first, int count);
    }

    /**
     * Runs {@code work} over rows {@code [0, rows)} of {@code cols} values, in contiguous shares, one per thread,
     * each in blocks of about a chunk's values (at least one row), so that per-block costs are spread thin.
     */
    private void runRows(int rows, int cols, RowWork work) {
        int block = rowsPerBlock(cols);
        threads.parallel(p -> {
            Chunks k = CHUNKS.get();
            int end = threads.from(p + 1, rows);
            for (int first = threads.from(p, rows); first < end; first += block) {
                work.run(k, p, first, Math.min(block, end - first));
            }
        });
    }

    /**
     * Whole rows of a dense C-order float or double array (a vector is one row), read into and written from a
     * thread's {@code double[]} in place in its native memory: float values widened on the way in (through a
     * bulk copy into a float array), rounded on the way out.
     */
    private record Rows(MemorySegment memory, boolean floats, int cols) {

        static Rows of(INDArray a) {
            return new Rows(segment(a), a.dataType() == DataType.FLOAT, (int) (a.rank() == 1 ? a.length() : a.size(1)));
        }

        /** Rows {@code [first, first + count)} in the thread's double array {@code slot}. */
        double[] read(Chunks k, int slot, long first, int count) {
            int n = count * cols;
            double[] dst = k.doubles(slot, n);
            if (floats) {
                float[] staged = k.staged(n);
                MemorySegment.copy(memory, ValueLayout.JAVA_FLOAT, first * cols * Float.BYTES, staged, 0, n);
                for (int i = 0; i < n; i++) {
                    dst[i] = staged[i];
                }
            } else {
                MemorySegment.copy(memory, ValueLayout.JAVA_DOUBLE, first * cols * Double.BYTES, dst, 0, n);
            }
            return dst;
        }

        /** Rows {@code [first, first + count)} from {@code src}. */
        void write(Chunks k, double[] src, long first, int count) {
            int n = count * cols;
            if (floats) {
                float[] staged = k.staged(n);
                for (int i = 0; i < n; i++) {
                    staged[i] = (float) src[i];
                }
                MemorySegment.copy(staged, 0, memory, ValueLayout.JAVA_FLOAT, first * cols * Float.BYTES, n);
            } else {
                MemorySegment.copy(src, 0, memory, ValueLayout.JAVA_DOUBLE, first * cols * Double.BYTES, n);
            }
        }

        /** The first row in a new array, for a vector of parameters. */
        double[] vector() {
            double[] out = new double[cols];
            for (int j = 0; j < cols; j++) {
                out[j] = floats ? memory.getAtIndex(ValueLayout.JAVA_FLOAT, j) : memory.getAtIndex(ValueLayout.JAVA_DOUBLE, j);
            }
            return out;
        }

        /** The first row from {@code values}. */
        void writeVector(double[] values) {
            for (int j = 0; j < cols; j++) {
                if (floats) {
                    memory.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) values[j]);
                } else {
                    memory.setAtIndex(ValueLayout.JAVA_DOUBLE, j, values[j]);
                }
            }
        }
    }

    /** The whole buffer of a dense float or double array as a segment. */
    static MemorySegment segment(INDArray a) {
        if (a.ordering() != 'c' || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
            throw new IllegalArgumentException("fused kernels need C-order FLOAT or DOUBLE arrays, got "
                    + a.shapeInfoToString());
        }
        Pointer base = a.data().pointer();
        long size = a.dataType().width();
        return MemorySegment.ofAddress(base.address() + (base.position() + a.offset()) * size)
                .reinterpret(a.length() * size);
    }

    private static void write(float[] src, MemorySegment dst, long from, int n) {
        MemorySegment.copy(src, 0, dst, ValueLayout.JAVA_FLOAT, from * Float.BYTES, n);
    }

    private static void write(double[] src, MemorySegment dst, long from, int n) {
        MemorySegment.copy(src, 0, dst, ValueLayout.JAVA_DOUBLE, from * Double.BYTES, n);
    }

    /** One thread's chunk arrays, four of each type. */
    private static final class Chunks {
        private final float[][] floats = new float[4][CHUNK];
        private final double[][] doubles = new double[4][CHUNK];
        private final double[][] grown = new double[5][0];
        private float[] staged = new float[0];

        /** Chunk array {@code slot} filled with elements {@code [from, from + n)} of {@code src}. */
        float[] floats(int slot, MemorySegment src, long from, int n) {
            MemorySegment.copy(src, ValueLayout.JAVA_FLOAT, from * Float.BYTES, floats[slot], 0, n);
            return floats[slot];
        }

        /** Double array {@code slot} (of five) for {@link Rows}, at least {@code n} long; contents undefined. */
        double[] doubles(int slot, int n) {
            if (grown[slot].length < n) {
                grown[slot] = new double[n];
            }
            return grown[slot];
        }

        /** The float array between native memory and {@link #doubles(int, int)}, at least {@code n} long. */
        float[] staged(int n) {
            if (staged.length < n) {
                staged = new float[n];
            }
            return staged;
        }

        double[] doubles(int slot, MemorySegment src, long from, int n) {
            MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE, from * Double.BYTES, doubles[slot], 0, n);
            return doubles[slot];
        }
    }
}
