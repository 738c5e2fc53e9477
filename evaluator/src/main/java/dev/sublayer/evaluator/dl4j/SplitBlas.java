package dev.sublayer.evaluator.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Matrix products split into row (or column) blocks over Java threads, each block one single-threaded
 * OpenBLAS call, and a parallel loop for other per-block work.
 *
 * <p>Why: OpenBLAS's own threading is slow for the products of small transformers. On the 2-core dev
 * machine a {@code 4096×128 · 128×512} product ran at 179 GFLOP/s on two OpenBLAS threads and at 337 GFLOP/s
 * as two single-threaded halves on two Java threads (Cooperlake kernels), and the per-head products of
 * attention ({@code 128×32 · 32×128}) gained more. The split depends only on the shapes and the thread
 * count, so a run is bit-reproducible for a given thread count; another thread count changes the blocks
 * and with them OpenBLAS's summation order (its small-matrix kernels, its column blocking in GEMV): results
 * then differ in the last bits (about 1e-8 relative in a loss, test).
 *
 * <p>Use the products inside {@link #exclusive}, which sets OpenBLAS to one thread and restores it.
 */
final class SplitBlas implements AutoCloseable {

    private final int threads;
    private final Crew crew;

    /** Splits over {@code threads} threads: the caller's and {@code threads − 1} of its own. */
    SplitBlas(int threads) {
        this.threads = Math.max(1, threads);
        this.crew = new Crew(this.threads, "sublayer-blas");
    }

    /** Threads the work is split over. */
    int threads() {
        return threads;
    }

    /**
     * Runs {@code body} with OpenBLAS on one thread, restoring its thread count afterwards; changes nothing when it
     * is on one thread already (the dl4j engine sets it so once).
     */
    <T> T exclusive(Supplier<T> body) {
        org.nd4j.linalg.api.blas.Blas blas = Nd4j.factory().blas();
        int saved = blas.getMaxThreads();
        if (saved == 1) {
            return body.get();
        }
        blas.setMaxThreads(1);
        try {
            return body.get();
        } finally {
            blas.setMaxThreads(saved);
        }
    }

    /**
     * Runs {@code part} for every part {@code 0 … threads − 1}, part 0 on the calling thread, and waits
     * ({@link Crew}: one caller at a time).
     */
    void parallel(IntConsumer part) {
        crew.run(part);
    }

    /** The start of part {@code p}'s share of {@code n} items (part {@code threads} gives {@code n}). */
    int from(int p, int n) {
        return (int) ((long) n * p / threads);
    }

    /**
     * {@code C = alpha · op(A) · op(B) + beta · C} on whole C-order 2-D arrays, split into row blocks of C (or
     * column blocks when C has fewer rows than columns).
     */
    void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        int m = (int) c.size(0);
        int n = (int) c.size(1);
        int k = (int) (transA ? a.size(0) : a.size(1));
        if ((transA ? a.size(1) : a.size(0)) != m || (transB ? b.size(0) : b.size(1)) != n
                || (transB ? b.size(1) : b.size(0)) != k) {
            throw new IllegalArgumentException("gemm shapes do not match: " + a.shapeInfoToString() + " "
                    + b.shapeInfoToString() + " -> " + c.shapeInfoToString());
        }
        gemm(transA, transB, m, n, k, alpha, a, 0, (int) a.size(1), b, 0, (int) b.size(1), beta, c, 0, n);
    }

    /**
     * {@code C[cOff…] = alpha · op(A[aOff…]) · op(B[bOff…]) + beta · C[cOff…]} on blocks of dense C-order
     * arrays ({@link Blas#gemm}'s arguments), split into row blocks of the {@code m×n} block of C (or column
     * blocks when it has fewer rows than columns).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, INDArray a, long aOff, int lda,
            INDArray b, long bOff, int ldb, double beta, INDArray c, long cOff, int ldc) {
        boolean byRows = m >= n;
        parallel(p -> {
            int from = from(p, byRows ? m : n);
            int to = from(p + 1, byRows ? m : n);
            if (from == to) {
                return;
            }
            if (byRows) {
                Blas.gemm(transA, transB, to - from, n, k, alpha, a, aOff + (transA ? from : (long) from * lda), lda,
                        b, bOff, ldb, beta, c, cOff + (long) from * ldc, ldc);
            } else {
                Blas.gemm(transA, transB, m, to - from, k, alpha, a, aOff, lda,
                        b, bOff + (transB ? (long) from * ldb : from), ldb, beta, c, cOff + from, ldc);
            }
        });
    }

    /**
     * Row sums ({@code transA} false: {@code y = alpha · A · x}, x of length cols) or column sums
     * ({@code transA} true: {@code y = alpha · Aᵀ · x}, x of length rows) of the whole C-order array A,
     * split over the entries of y.
     */
    void gemv(boolean transA, double alpha, INDArray a, INDArray x, double beta, INDArray y) {
        gemv(transA, (int) a.size(0), (int) a.size(1), alpha, a, 0, x, beta, y);
    }

    /**
     * {@link #gemv(boolean, double, INDArray, INDArray, double, INDArray)} on the {@code rows×cols} block of A
     * that starts at {@code aOff} (leading dimension {@code cols}: whole rows of a C-order matrix).
     */
    void gemv(boolean transA, int rows, int cols, double alpha, INDArray a, long aOff, INDArray x, double beta, INDArray y) {
        parallel(p -> {
            int from = from(p, transA ? cols : rows);
            int to = from(p + 1, transA ? cols : rows);
            if (from == to) {
                return;
            }
            if (transA) {
                Blas.gemv(true, rows, to - from, alpha, a, aOff + from, cols, x, 0, beta, y, from);
            } else {
                Blas.gemv(false, to - from, cols, alpha, a, aOff + (long) from * cols, cols, x, 0, beta, y, from);
            }
        });
    }

    @Override
    public void close() {
        crew.close();
    }
}
