package dev.sublayer.evaluator.dl4j;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Row-major CBLAS calls on blocks of ND4J arrays, for the {@link DirectTransformer}: matrix products on
 * sub-blocks (one attention head of one sequence) without creating ND4J views, which cost more than the
 * product itself at these sizes (≈ 60 µs per view-based {@code Nd4j.gemm} of a 128×32 head against ≈ 11 µs
 * for the call here).
 *
 * <p>Every array must be a dense C-order array of {@code float} or {@code double} in host memory (the CPU
 * backend); offsets and leading dimensions are in elements. The calls go to the OpenBLAS that nd4j-native
 * loads, with whatever thread count it is set to ({@link SplitBlas} sets one and splits the work itself).
 */
final class Blas {

    private Blas() {
    }

    /**
     * {@code C[cOff…] = alpha · op(A[aOff…]) · op(B[bOff…]) + beta · C[cOff…]}, with {@code op(X)} of size
     * {@code m×k} for A and {@code k×n} for B, transposed where asked.
     */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, INDArray a, long aOff, int lda,
            INDArray b, long bOff, int ldb, double beta, INDArray c, long cOff, int ldc) {
        int ta = transA ? openblas.CblasTrans : openblas.CblasNoTrans;
        int tb = transB ? openblas.CblasTrans : openblas.CblasNoTrans;
        if (c.dataType() == DataType.FLOAT) {
            openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, m, n, k, (float) alpha, floats(a, aOff), lda,
                    floats(b, bOff), ldb, (float) beta, floats(c, cOff), ldc);
        } else {
            openblas.cblas_dgemm(openblas.CblasRowMajor, ta, tb, m, n, k, alpha, doubles(a, aOff), lda,
                    doubles(b, bOff), ldb, beta, doubles(c, cOff), ldc);
        }
    }

    /**
     * {@code y[yOff…] = alpha · op(A[aOff…]) · x[xOff…] + beta · y[yOff…]} for the {@code rows×cols} matrix A
     * with leading dimension {@code lda}; x and y are dense vectors (any shape) read from their offsets.
     */
    static void gemv(boolean transA, int rows, int cols, double alpha, INDArray a, long aOff, int lda, INDArray x,
            long xOff, double beta, INDArray y, long yOff) {
        int ta = transA ? openblas.CblasTrans : openblas.CblasNoTrans;
        if (y.dataType() == DataType.FLOAT) {
            openblas.cblas_sgemv(openblas.CblasRowMajor, ta, rows, cols, (float) alpha, floats(a, aOff), lda,
                    floats(x, xOff), 1, (float) beta, floats(y, yOff), 1);
        } else {
            openblas.cblas_dgemv(openblas.CblasRowMajor, ta, rows, cols, alpha, doubles(a, aOff), lda,
                    doubles(x, xOff), 1, beta, doubles(y, yOff), 1);
        }
    }

    private static FloatPointer floats(INDArray array, long offset) {
        Pointer base = checked(array, DataType.FLOAT).data().pointer();
        return new FloatPointer(base).position(base.position() + array.offset() + offset);
    }

    private static DoublePointer doubles(INDArray array, long offset) {
        Pointer base = checked(array, DataType.DOUBLE).data().pointer();
        return new DoublePointer(base).position(base.position() + array.offset() + offset);
    }

    private static INDArray checked(INDArray array, DataType type) {
        if (array.dataType() != type || array.ordering() != 'c') {
            throw new IllegalArgumentException("BLAS needs C-order " + type + " arrays, got " + array.shapeInfoToString());
        }
        return array;
    }
}
