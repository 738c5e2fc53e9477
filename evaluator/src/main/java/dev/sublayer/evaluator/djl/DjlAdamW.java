package dev.sublayer.evaluator.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AdamW with global-norm gradient clipping on DJL arrays: the same update, in the same order, as the DL4J
 * engine's optimizer and PyTorch's {@code AdamW} + {@code clip_grad_norm_}:
 * <pre>
 *   g ← g · min(1, clip / (‖g‖₂ + 1e-6))          (‖g‖₂ over all parameters together)
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
 *   p ← p · (1 − lr·λ)                              (decayed parameters only)
 *   p ← p − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * </pre>
 * After each update every parameter's gradient is set to zero: DJL 0.36's {@code GradientCollector} does
 * not do it, and PyTorch adds each backward pass onto the gradient already there.
 *
 * <p>Call {@link #update} with gradient mode off (outside a gradient collector): PyTorch refuses in-place
 * changes of parameters that require gradients while it records. The moments live in the manager given at
 * construction and are part of a checkpoint.
 */
final class DjlAdamW {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final double clipNorm;
    private final Set<String> decayed;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;

    /** Zero moments for every parameter of {@code params}, in {@code manager}. */
    DjlAdamW(double beta1, double beta2, double epsilon, double weightDecay, double clipNorm, List<String> decayed,
             Map<String, NDArray> params, NDManager manager) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.decayed = Set.copyOf(decayed);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray first = manager.zeros(p.getShape(), p.getDataType());
            NDArray second = manager.zeros(p.getShape(), p.getDataType());
            NDScope.unregister(first, second); // they live as long as the model
            m.put(e.getKey(), first);
            v.put(e.getKey(), second);
        }
    }

    /** Steps taken so far. */
    long step() {
        return step;
    }

    /** The first moments by parameter name (live). */
    Map<String, NDArray> firstMoments() {
        return m;
    }

    /** The second moments by parameter name (live). */
    Map<String, NDArray> secondMoments() {
        return v;
    }

    /** Continues from a checkpoint: the step count and the moments' values (row-major floats). */
    void restore(long steps, Map<String, float[]> first, Map<String, float[]> second) {
        this.step = steps;
        for (Map.Entry<String, NDArray> e : m.entrySet()) {
            assign(e.getValue(), first.get(e.getKey()), e.getKey());
            assign(v.get(e.getKey()), second.get(e.getKey()), e.getKey());
        }
    }

    /** Overwrites {@code target} (float32 or float64) with {@code values}, row-major. */
    static void assign(NDArray target, float[] values, String name) {
        if (values == null || values.length != target.size()) {
            throw new IllegalArgumentException("no matching values for parameter " + name);
        }
        if (target.getDataType() == DataType.FLOAT32) {
            target.set(values);
        } else {
            double[] wide = new double[values.length];
            for (int i = 0; i < wide.length; i++) {
                wide[i] = values[i];
            }
            target.set(wide);
        }
    }

    /**
     * The gradients of {@code params} (fresh handles, in the caller's scope) and their global L2 norm: one
     * synchronisation with the device for all of them.
     */
    static double globalNorm(Map<String, NDArray> gradients) {
        NDArray total = null;
        for (NDArray g : gradients.values()) {
            NDArray s = g.square().sum();
            total = total == null ? s : total.add(s);
        }
        return total == null ? 0 : Math.sqrt(total.toType(DataType.FLOAT64, false).getDouble());
    }

    /**
     * Applies one update in place and zeroes the gradients.
     *
     * @param params       the live parameter arrays
     * @param gradients    their gradients (handles onto the parameters' gradient buffers, used as scratch space)
     * @param gradientNorm their global norm ({@link #globalNorm})
     * @param lr           this step's learning rate
     */
    void update(Map<String, NDArray> params, Map<String, NDArray> gradients, double gradientNorm, double lr) {
        step++;
        double scale = clipNorm > 0 ? Math.min(1.0, clipNorm / (gradientNorm + 1e-6)) : 1.0;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            NDArray p = e.getValue();
            NDArray g = gradients.get(name);
            if (g == null) {
                throw new IllegalStateException("no gradient for parameter " + name);
            }
            if (scale != 1.0) {
                g.muli(scale);
            }
            NDArray mm = m.get(name);
            NDArray vv = v.get(name);
            mm.muli(beta1).addi(g.mul(1 - beta1));
            vv.muli(beta2).addi(g.square().muli(1 - beta2));
            if (weightDecay > 0 && decayed.contains(name)) {
                p.muli(1 - lr * weightDecay);
            }
            NDArray denominator = vv.div(bias2).sqrt().addi(epsilon);               // √v̂ + ε
            p.subi(mm.div(denominator).muli(lr / bias1));
            JniUtils.zeroGrad((PtNDArray) p);
        }
    }
}
