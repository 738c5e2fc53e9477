package dev.sublayer.evaluator.dl4j;

import dev.sublayer.testing.NativeTest;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Split products against one BLAS call, for several thread counts. */
@NativeTest
class SplitBlasTest {

    @Test
    void splitProductsEqualOneCallBitForBitWhateverTheThreadCount() {
        SplittableRandom rnd = new SplittableRandom(3);
        int[][] shapes = {{37, 5, 11}, {4, 64, 9}, {128, 32, 128}, {9, 200, 3}, {1, 7, 5}};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int[] s : shapes) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        int m = s[0];
                        int n = s[1];
                        int k = s[2];
                        INDArray a = random(rnd, type, ta ? k : m, ta ? m : k);
                        INDArray b = random(rnd, type, tb ? n : k, tb ? k : n);
                        INDArray start = random(rnd, type, m, n);
                        INDArray expected = start.dup();
                        Blas.gemm(ta, tb, m, n, k, 0.5, a, 0, (int) a.size(1), b, 0, (int) b.size(1), 0.25, expected, 0, n);
                        for (int threads = 1; threads <= 3; threads++) {
                            try (SplitBlas blas = new SplitBlas(threads)) {
                                INDArray c = start.dup();
                                blas.exclusive(() -> {
                                    blas.gemm(a, ta, b, tb, c, 0.5, 0.25);
                                    return null;
                                });
                                assertThat(c).as("%s %dx%dx%d ta=%s tb=%s threads=%d", type, m, n, k, ta, tb, threads)
                                        .isEqualTo(expected);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void splitRowAndColumnSumsEqualOneCall() {
        SplittableRandom rnd = new SplittableRandom(4);
        INDArray a = random(rnd, DataType.FLOAT, 53, 17);
        INDArray onesRows = Nd4j.ones(DataType.FLOAT, 53);
        INDArray onesCols = Nd4j.ones(DataType.FLOAT, 17);
        INDArray colSums = Nd4j.zeros(DataType.FLOAT, 17);
        INDArray rowSums = Nd4j.zeros(DataType.FLOAT, 53);
        Blas.gemv(true, 53, 17, 1, a, 0, 17, onesRows, 0, 0, colSums, 0);
        Blas.gemv(false, 53, 17, 2, a, 0, 17, onesCols, 0, 0, rowSums, 0);
        for (int threads = 1; threads <= 3; threads++) {
            try (SplitBlas blas = new SplitBlas(threads)) {
                INDArray cols = Nd4j.zeros(DataType.FLOAT, 17);
                INDArray rows = Nd4j.zeros(DataType.FLOAT, 53);
                blas.gemv(true, 1, a, onesRows, 0, cols);
                blas.gemv(false, 2, a, onesCols, 0, rows);
                assertThat(cols).isEqualTo(colSums);
                assertThat(rows).isEqualTo(rowSums);
                assertThat(cols.getDouble(3)).isCloseTo(a.getColumn(3).sumNumber().doubleValue(), org.assertj.core.api.Assertions.within(1e-4));
            }
        }
    }

    @Test
    void aFailingPartFailsTheCallAfterEveryPartEnded() {
        try (SplitBlas blas = new SplitBlas(3)) {
            java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> blas.parallel(p -> {
                ran.incrementAndGet();
                if (p == 1) {
                    throw new IllegalStateException("part 1 failed");
                }
            })).hasMessage("part 1 failed");
            assertThat(ran.get()).isEqualTo(3);
        }
    }

    private static INDArray random(SplittableRandom rnd, DataType type, int rows, int cols) {
        double[] values = new double[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextDouble(-1, 1);
        }
        return Nd4j.create(values, new long[] {rows, cols}, type);
    }
}
