package dev.sublayer.evaluator.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW (Loshchilov &amp; Hutter) with global-norm gradient clipping, written out so that it does exactly what
 * PyTorch's {@code torch.optim.AdamW} and {@code clip_grad_norm_} do, in the same order:
 * <pre>
 *   g ← g · min(1, clip / (‖g‖₂ + 1e-6))          (‖g‖₂ over all parameters together)
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
 *   p ← p · (1 − lr·λ)                              (decayed parameters only)
 *   p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * </pre>
 * The moments are part of a checkpoint, so a continued run is identical to an uninterrupted one.
 *
 * <p>For a model with {@link FlatParameters} the moments are flat too and one update is one fused pass over
 * the flat arrays ({@link #updateFlat}, {@link FusedKernels#adamW}); otherwise a dozen whole-array ND4J ops per
 * parameter ({@link #update}). Both compute the same values element by element, bit for bit (test).
 */
final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final double clipNorm;
    private final Set<String> decayed;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private long step;
    private INDArray flatFirst;
    private INDArray flatSecond;
    private FusedKernels kernels;
    /** First element of each flat parameter, and whether it is decayed. */
    private long[] starts;
    private boolean[] decayedFlat;

    AdamW(double beta1, double beta2, double epsilon, double weightDecay, double clipNorm, List<String> decayed) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.decayed = Set.copyOf(decayed);
    }

    /** Steps taken so far. */
    long step() {
        return step;
    }

    /** The first moments by parameter name (live). */
    Map<String, INDArray> firstMoments() {
        return m;
    }

    /** The second moments by parameter name (live). */
    Map<String, INDArray> secondMoments() {
        return v;
    }

    /**
     * Keeps the moments flat, laid out like {@code flat}, for {@link #updateFlat}, which runs on
     * {@code kernels}. Call before anything else.
     */
    void useFlat(FlatParameters flat, FusedKernels kernels) {
        release();
        this.kernels = kernels;
        this.starts = new long[flat.names().size()];
        this.decayedFlat = new boolean[flat.names().size()];
        flatFirst = Nd4j.zeros(flat.values().dataType(), flat.values().length());
        flatSecond = Nd4j.zeros(flat.values().dataType(), flat.values().length());
        long at = 0;
        for (int i = 0; i < flat.names().size(); i++) {
            long size = flat.sizes().get(i);
            String name = flat.names().get(i);
            starts[i] = at;
            decayedFlat[i] = decayed.contains(name);
            m.put(name, flatFirst.get(NDArrayIndex.interval(at, at + size)));
            v.put(name, flatSecond.get(NDArrayIndex.interval(at, at + size)));
            at += size;
        }
    }

    /** Restores the state of a checkpoint (into the flat moments when {@link #useFlat} was called). */
    void restore(long steps, Map<String, INDArray> first, Map<String, INDArray> second) {
        this.step = steps;
        if (flatFirst != null) {
            restoreInto(m, first);
            restoreInto(v, second);
            return;
        }
        release();
        m.putAll(first);
        v.putAll(second);
    }

    private static void restoreInto(Map<String, INDArray> live, Map<String, INDArray> saved) {
        for (Map.Entry<String, INDArray> e : live.entrySet()) {
            INDArray s = saved.get(e.getKey());
            if (s == null || s.length() != e.getValue().length()) {
                throw new IllegalArgumentException("checkpoint has no matching optimizer state for " + e.getKey());
            }
            e.getValue().assign(s.reshape(e.getValue().shape()));
            s.close();
        }
    }

    /**
     * The global L2 norm of the gradients.
     */
    static double globalNorm(Map<String, INDArray> gradients) {
        double sumSquares = 0;
        for (INDArray g : gradients.values()) {
            double n = g.norm2Number().doubleValue();
            sumSquares += n * n;
        }
        return Math.sqrt(sumSquares);
    }

    /**
     * Applies one update. The gradient arrays are consumed: they serve as scratch space.
     *
     * @param params       the live parameter arrays, updated in place
     * @param gradients    the gradients by parameter name
     * @param gradientNorm their global norm ({@link #globalNorm})
     * @param lr           this step's learning rate
     */
    void update(Map<String, INDArray> params, Map<String, INDArray> gradients, double gradientNorm, double lr) {
        step++;
        double scale = clipNorm > 0 ? Math.min(1.0, clipNorm / (gradientNorm + 1e-6)) : 1.0;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray p = e.getValue();
            INDArray g = gradients.get(name);
            if (g == null) {
                throw new IllegalStateException("no gradient for parameter " + name);
            }
            if (scale != 1.0) {
                g.muli(scale);
            }
            INDArray mm = m.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            INDArray vv = v.computeIfAbsent(name, k -> Nd4j.zeros(p.dataType(), p.shape()));
            // In place, without temporaries: the gradient array is the scratch space.
            mm.muli(beta1);
            Nd4j.getBlasWrapper().level1().axpy(g.length(), 1 - beta1, g, mm);
            vv.muli(beta2);
            Nd4j.getBlasWrapper().level1().axpy(g.length(), 1 - beta2, g.muli(g), vv);
            if (weightDecay > 0 && decayed.contains(name)) {
                p.muli(1 - lr * weightDecay);
            }
            INDArray update = g.assign(vv).divi(bias2);               // v̂
            Transforms.sqrt(update, false).addi(epsilon).rdivi(mm);   // m / (√v̂ + ε)
            p.subi(update.muli(lr / bias1));
        }
    }

    /**
     * {@link #update} on flat arrays: the same arithmetic, element by element, on all parameters at once, in one
     * pass ({@link FusedKernels#adamW}).
     *
     * @param flat         the model's flat parameters and gradients ({@link #useFlat} was called with this
     *                     layout); the gradients are left unchanged
     * @param gradientNorm the global norm of the gradients
     * @param lr           this step's learning rate
     */
    void updateFlat(FlatParameters flat, double gradientNorm, double lr) {
        step++;
        double scale = clipNorm > 0 ? Math.min(1.0, clipNorm / (gradientNorm + 1e-6)) : 1.0;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        double decay = weightDecay > 0 ? 1 - lr * weightDecay : 1.0;
        kernels.adamW(flat.values(), flat.gradients(), flatFirst, flatSecond, starts, decayedFlat, scale, beta1, beta2,
                decay, bias2, epsilon, lr / bias1);
    }

    /** Frees the moment arrays now. */
    void release() {
        if (flatFirst != null || flatSecond != null) {
            INDArray first = flatFirst;
            INDArray second = flatSecond;
            flatFirst = null;                          // first: a failure below must not leave them to be freed twice
            flatSecond = null;
            m.clear();
            v.clear();
            if (first != null) {
                first.close();
            }
            if (second != null) {
                second.close();
            }
            return;
        }
        for (INDArray a : m.values()) {
            a.close();
        }
        for (INDArray a : v.values()) {
            a.close();
        }
        m.clear();
        v.clear();
    }
}
