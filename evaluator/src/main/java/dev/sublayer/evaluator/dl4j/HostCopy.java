package dev.sublayer.evaluator.dl4j;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Copies stretches of a dense ND4J host array (float or double) to and from Java {@code double[]}, for the
 * {@link DirectTransformer}'s Java kernels; float values are widened on the way in and rounded on the way
 * out. One instance per thread (it keeps a float buffer).
 */
final class HostCopy {

    private float[] floats = new float[0];

    /** {@code dst[0..len) = a[offset..offset+len)} in a's flat C order. */
    void read(INDArray a, long offset, double[] dst, int len) {
        Pointer base = a.data().pointer();
        long at = base.position() + a.offset() + offset;
        if (a.dataType() == DataType.FLOAT) {
            float[] f = floats(len);
            new FloatPointer(base).position(at).get(f, 0, len);
            for (int j = 0; j < len; j++) {
                dst[j] = f[j];
            }
        } else {
            new DoublePointer(base).position(at).get(dst, 0, len);
        }
    }

    /** {@code a[offset..offset+len) = src[0..len)} in a's flat C order. */
    void write(double[] src, int len, INDArray a, long offset) {
        Pointer base = a.data().pointer();
        long at = base.position() + a.offset() + offset;
        if (a.dataType() == DataType.FLOAT) {
            float[] f = floats(len);
            for (int j = 0; j < len; j++) {
                f[j] = (float) src[j];
            }
            new FloatPointer(base).position(at).put(f, 0, len);
        } else {
            new DoublePointer(base).position(at).put(src, 0, len);
        }
    }

    private float[] floats(int len) {
        if (floats.length < len) {
            floats = new float[len];
        }
        return floats;
    }
}
