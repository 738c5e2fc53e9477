import dev.sublayer.evaluator.dl4j.Crew;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The matrix products of one training step of the reference model, issued the way the dl4j engine's direct
 * model issues them (row or column blocks on Java threads, OpenBLAS single-threaded; attention per sequence and
 * head), with nothing else in between: a lower bound on the step time of any implementation on DL4J's
 * OpenBLAS. Prints the time per step, the FLOPs and the rate.
 *
 * <p>Usage (the classpath of the evaluator module): {@code java -cp … ProductsBench.java [steps] [threads]}.
 */
public class ProductsBench {

    static final int D = 128, T = 128, B = 32, H = 4, W = 512, V = 256, LAYERS = 4;
    static final int N = B * T, HD = D / H;

    record Product(boolean ta, boolean tb, int m, int n, int k, int times) {
        double flops() {
            return 2.0 * m * n * k * times;
        }
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        List<Product> dense = new ArrayList<>();
        // forward: q k v o per attention, up and down per FFN, tied head (the embedding is a row gather, no product)
        dense.add(new Product(false, false, N, D, D, 4 * LAYERS));
        dense.add(new Product(false, false, N, W, D, LAYERS));
        dense.add(new Product(false, false, N, D, W, LAYERS));
        dense.add(new Product(false, true, N, V, D, 1));
        // backward: head (dX, dW), every linear (dW = xᵀ·dy, dX = dy·Wᵀ); the embedding's is a scatter-add
        dense.add(new Product(false, false, N, D, V, 1));
        dense.add(new Product(true, false, V, D, N, 1));
        dense.add(new Product(true, false, D, D, N, 4 * LAYERS));
        dense.add(new Product(false, true, N, D, D, 4 * LAYERS));
        dense.add(new Product(true, false, D, W, N, LAYERS));
        dense.add(new Product(false, true, N, D, W, LAYERS));
        dense.add(new Product(true, false, W, D, N, LAYERS));
        dense.add(new Product(false, true, N, W, D, LAYERS));
        // attention per (sequence, head): forward S = Q·Kᵀ, O = P·V; backward dP, dV, dQ, dK
        int heads = B * H * LAYERS;
        List<Product> attention = List.of(new Product(false, true, T, T, HD, heads), new Product(false, false, T, HD, T, heads),
                new Product(false, true, T, T, HD, heads), new Product(true, false, T, HD, T, heads),
                new Product(false, false, T, HD, T, heads), new Product(true, false, T, HD, T, heads));

        INDArray a = Nd4j.rand(DataType.FLOAT, (long) N * W);
        INDArray b = Nd4j.rand(DataType.FLOAT, (long) N * W);
        INDArray c = Nd4j.create(DataType.FLOAT, (long) N * W);
        FloatPointer pa = (FloatPointer) a.data().pointer();
        FloatPointer pb = (FloatPointer) b.data().pointer();
        FloatPointer pc = (FloatPointer) c.data().pointer();
        Nd4j.factory().blas().setMaxThreads(1);
        Crew pool = new Crew(threads, "bench");

        double denseFlops = dense.stream().mapToDouble(Product::flops).sum();
        double attentionFlops = attention.stream().mapToDouble(Product::flops).sum();
        double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] total = {0, 0};
        for (int s = 0; s < steps + 3; s++) {
            long t0 = System.nanoTime();
            for (Product p : dense) {
                for (int r = 0; r < p.times(); r++) {
                    split(pool, threads, p, pa, pb, pc);
                }
            }
            long t1 = System.nanoTime();
            for (Product p : attention) {
                perHead(pool, threads, p, pa, pb, pc);
            }
            long t2 = System.nanoTime();
            if (s >= 3) { // warm-up
                total[0] += (t1 - t0) / 1e6;
                total[1] += (t2 - t1) / 1e6;
                best[0] = Math.min(best[0], (t1 - t0) / 1e6);
                best[1] = Math.min(best[1], (t2 - t1) / 1e6);
            }
        }
        pool.close();
        double denseMs = total[0] / steps;
        double attentionMs = total[1] / steps;
        System.out.printf("{\"threads\": %d, \"dense_ms\": %.1f, \"dense_best_ms\": %.1f, \"dense_gflop\": %.2f, "
                        + "\"dense_gflops_per_s\": %.0f, \"attention_ms\": %.1f, \"attention_best_ms\": %.1f, "
                        + "\"attention_gflop\": %.2f, \"attention_gflops_per_s\": %.0f, \"products_ms\": %.1f}%n",
                threads, denseMs, best[0], denseFlops / 1e9, denseFlops / denseMs / 1e6, attentionMs, best[1],
                attentionFlops / 1e9, attentionFlops / attentionMs / 1e6, denseMs + attentionMs);
    }

    /** One product, split into row blocks of C (column blocks when C has fewer rows than columns). */
    static void split(Crew pool, int threads, Product p, FloatPointer a, FloatPointer b, FloatPointer c)
            {
        boolean byRows = p.m() >= p.n();
        int lda = p.ta() ? p.m() : p.k();
        int ldb = p.tb() ? p.k() : p.n();
        int size = byRows ? p.m() : p.n();
        parts(pool, threads, size, (from, to) -> {
            if (byRows) {
                gemm(p.ta(), p.tb(), to - from, p.n(), p.k(), a, p.ta() ? from : (long) from * lda, lda, b, 0, ldb,
                        c, (long) from * p.n(), p.n());
            } else {
                gemm(p.ta(), p.tb(), p.m(), to - from, p.k(), a, 0, lda, b, p.tb() ? (long) from * ldb : from, ldb,
                        c, from, p.n());
            }
        });
    }

    /** The per-head products of all sequences and heads of the model, split by head over the threads. */
    static void perHead(Crew pool, int threads, Product p, FloatPointer a, FloatPointer b, FloatPointer c)
            {
        parts(pool, threads, p.times(), (from, to) -> {
            for (int i = from; i < to; i++) {
                long head = (long) (i % (B * H)) / H * T * D + (long) (i % H) * HD;
                long scores = (long) (i % (B * H)) * T * T;
                // operands as the model lays them out: Q/K/V/dO blocks with leading dimension d, scores T×T
                boolean scoresOut = p.n() == T;
                gemm(p.ta(), p.tb(), p.m(), p.n(), p.k(), a, scoresOut ? head : scores, scoresOut ? D : T,
                        b, head, D, c, scoresOut ? scores : head, scoresOut ? T : D);
            }
        });
    }

    /** A share {@code [from, to)} of {@code size} items. */
    interface Part {
        void run(int from, int to);
    }

    /**
     * Runs {@code size} items in contiguous shares on the threads (the first share on the caller) and waits,
     * handing the shares to the threads as the engine does ({@link Crew}).
     */
    static void parts(Crew pool, int threads, int size, Part part) {
        pool.run(t -> part.run((int) ((long) size * t / threads), (int) ((long) size * (t + 1) / threads)));
    }

    static void gemm(boolean ta, boolean tb, int m, int n, int k, FloatPointer a, long aOff, int lda, FloatPointer b,
            long bOff, int ldb, FloatPointer c, long cOff, int ldc) {
        openblas.cblas_sgemm(openblas.CblasRowMajor, ta ? openblas.CblasTrans : openblas.CblasNoTrans,
                tb ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, 1f, new FloatPointer(a).position(aOff), lda,
                new FloatPointer(b).position(bOff), ldb, 0f, new FloatPointer(c).position(cOff), ldc);
    }
}
