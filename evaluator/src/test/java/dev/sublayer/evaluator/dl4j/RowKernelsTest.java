package dev.sublayer.evaluator.dl4j;

import dev.sublayer.testing.NativeTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The per-row passes against straightforward double computations written out here (float within float
 * rounding, double to 1e-12), in float and double, on rows whose width is not a divisor of the block, split over 1
 * to 3 threads; sums over rows the same on a rerun, the embedding's gradient the same at every thread count.
 */
@NativeTest
class RowKernelsTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theNormPassesMatchTheirFormulas(boolean layerNorm) {
        int rows = 37;
        int cols = 301;
        double epsilon = 1e-5;
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.randn(DataType.DOUBLE, rows, cols).muli(2).addi(0.5).castTo(type);
            INDArray g = Nd4j.randn(DataType.DOUBLE, cols).castTo(type);
            INDArray b = layerNorm ? Nd4j.randn(DataType.DOUBLE, cols).castTo(type) : null;
            INDArray dy = Nd4j.randn(DataType.DOUBLE, rows, cols).castTo(type);
            INDArray residual = Nd4j.randn(DataType.DOUBLE, rows, cols).castTo(type);
            // the reference, in double from the same inputs
            double[][] xhat = new double[rows][cols];
            double[] rstd = new double[rows];
            double[] dg = new double[cols];
            double[] db = new double[cols];
            double[][] dx = new double[rows][cols];
            for (int i = 0; i < rows; i++) {
                double mean = 0;
                for (int j = 0; j < cols; j++) {
                    mean += layerNorm ? x.getDouble(i, j) / cols : 0;
                }
                double var = 0;
                for (int j = 0; j < cols; j++) {
                    var += (x.getDouble(i, j) - mean) * (x.getDouble(i, j) - mean) / cols;
                }
                rstd[i] = 1 / Math.sqrt(var + epsilon);
                double meanDxhat = 0;
                double projection = 0;
                for (int j = 0; j < cols; j++) {
                    xhat[i][j] = (x.getDouble(i, j) - mean) * rstd[i];
                    dg[j] += dy.getDouble(i, j) * xhat[i][j];
                    db[j] += dy.getDouble(i, j);
                    double dxhat = dy.getDouble(i, j) * g.getDouble(j);
                    meanDxhat += layerNorm ? dxhat / cols : 0;
                    projection += dxhat * xhat[i][j] / cols;
                }
                for (int j = 0; j < cols; j++) {
                    dx[i][j] = rstd[i] * (dy.getDouble(i, j) * g.getDouble(j) - meanDxhat - xhat[i][j] * projection);
                }
            }
            double tolerance = type == DataType.FLOAT ? 2e-6 : 1e-12;
            INDArray firstDg = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    RowKernels kernels = new RowKernels(split);
                    INDArray xh = x.ulike();
                    INDArray rs = Nd4j.zeros(type, rows, 1);
                    INDArray y = x.ulike();
                    kernels.norm(x, g, b, epsilon, xh, rs, y);
                    INDArray dgOut = g.ulike();
                    INDArray dbOut = layerNorm ? g.ulike() : null;
                    INDArray inPlace = dy.dup();
                    kernels.normBackward(inPlace, xh, rs, g, dgOut, dbOut, inPlace, false);
                    INDArray added = residual.dup();
                    kernels.normBackward(dy, xh, rs, g, g.ulike(), layerNorm ? g.ulike() : null, added, true);
                    String what = (layerNorm ? "LayerNorm " : "RMSNorm ") + type + " " + threads + " threads";
                    for (int i = 0; i < rows; i++) {
                        assertThat(rs.getDouble(i, 0)).as("rstd, %s", what).isCloseTo(rstd[i], within(tolerance * rstd[i]));
                        for (int j = 0; j < cols; j++) {
                            double expectedY = xhat[i][j] * g.getDouble(j) + (layerNorm ? b.getDouble(j) : 0);
                            assertThat(xh.getDouble(i, j)).as("x̂, %s", what).isCloseTo(xhat[i][j], within(tolerance * 4));
                            assertThat(y.getDouble(i, j)).as("y, %s", what).isCloseTo(expectedY, within(tolerance * 16));
                            assertThat(inPlace.getDouble(i, j)).as("dx, %s", what).isCloseTo(dx[i][j], within(tolerance * 16));
                            assertThat(added.getDouble(i, j)).as("residual + dx, %s", what)
                                    .isCloseTo(residual.getDouble(i, j) + dx[i][j], within(tolerance * 16));
                        }
                    }
                    for (int j = 0; j < cols; j++) {
                        assertThat(dgOut.getDouble(j)).as("dg, %s", what).isCloseTo(dg[j], within(tolerance * 64));
                        if (layerNorm) {
                            assertThat(dbOut.getDouble(j)).as("db, %s", what).isCloseTo(db[j], within(tolerance * 64));
                        }
                    }
                    INDArray again = g.ulike();
                    kernels.normBackward(dy.dup(), xh, rs, g, again, layerNorm ? g.ulike() : null, dy.ulike(), false);
                    assertThat(again).as("dg again, %s", what).isEqualTo(dgOut);
                    if (firstDg == null) {
                        firstDg = dgOut;
                    }
                }
            }
        }
    }

    @Test
    void theEmbeddingGathersRowsAndItsBackwardScattersThemWhateverTheThreadCount() {
        int vocab = 11;
        int t = 7;
        int cols = 301;
        int rows = 5 * t;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        int[] ids = new int[rows];
        for (int r = 0; r < rows; r++) {
            ids[r] = rnd.nextInt(vocab - 1);                         // the last id never occurs: its gradient is 0
        }
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray table = Nd4j.randn(DataType.DOUBLE, vocab, cols).castTo(type);
            INDArray positions = Nd4j.randn(DataType.DOUBLE, t, cols).castTo(type);
            INDArray g = Nd4j.randn(DataType.DOUBLE, rows, cols).castTo(type);
            INDArray before = Nd4j.randn(DataType.DOUBLE, vocab, cols).castTo(type);
            INDArray first = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    RowKernels kernels = new RowKernels(split);
                    INDArray x = Nd4j.zeros(type, rows, cols);
                    kernels.embed(table, positions, ids, x);
                    for (int r = 0; r < rows; r++) {
                        assertThat(x.getRow(r)).as("row %d", r).isEqualTo(table.getRow(ids[r]).add(positions.getRow(r % t)));
                    }
                    INDArray dTable = before.dup();
                    INDArray dPositions = Nd4j.zeros(type, t, cols);
                    kernels.embedBackward(g, ids, dTable, true, dPositions);
                    INDArray written = Nd4j.zeros(type, vocab, cols).addi(7);
                    kernels.embedBackward(g, ids, written, false, Nd4j.zeros(type, t, cols));
                    for (int id = 0; id < vocab; id++) {
                        for (int j = 0; j < cols; j++) {
                            double sum = 0;
                            for (int r = 0; r < rows; r++) {
                                sum += ids[r] == id ? g.getDouble(r, j) : 0;
                            }
                            double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
                            assertThat(written.getDouble(id, j)).as("d table %d,%d", id, j).isCloseTo(sum, within(tolerance));
                            assertThat(dTable.getDouble(id, j)).isCloseTo(before.getDouble(id, j) + sum, within(tolerance));
                        }
                    }
                    for (int q = 0; q < t; q++) {
                        for (int j = 0; j < cols; j++) {
                            double sum = 0;
                            for (int r = q; r < rows; r += t) {
                                sum += g.getDouble(r, j);
                            }
                            assertThat(dPositions.getDouble(q, j)).isCloseTo(sum, within(type == DataType.FLOAT ? 1e-5 : 1e-12));
                        }
                    }
                    if (first == null) {
                        first = dTable;
                    } else {
                        assertThat(dTable).as("%s: the same at %d threads as at 1", type, threads).isEqualTo(first);
                    }
                }
            }
        }
    }

    @Test
    void theCrossEntropyPassGivesTheMeanLossAndItsGradientEvenForFarOffTargets() {
        int rows = 9;
        int cols = 301;
        int[] targets = new int[rows];
        boolean[] counted = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            targets[r] = (r * 37) % cols;
            counted[r] = r % 4 != 3;
        }
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray logits = Nd4j.randn(DataType.DOUBLE, rows, cols).muli(4).castTo(type);
            logits.putScalar(0, targets[0], -200.0);                 // a target far below the rest: e^-200 underflows a float
            double share = 1.0 / 7;
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    INDArray grad = logits.dup();
                    double sum = new RowKernels(split).softmaxCrossEntropy(grad, targets, counted, share);
                    double expectedSum = 0;
                    for (int r = 0; r < rows; r++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < cols; j++) {
                            max = Math.max(max, logits.getDouble(r, j));
                        }
                        double total = 0;
                        for (int j = 0; j < cols; j++) {
                            total += Math.exp(logits.getDouble(r, j) - max);
                        }
                        if (counted[r]) {
                            expectedSum += max + Math.log(total) - logits.getDouble(r, targets[r]);
                        }
                        for (int j = 0; j < cols; j++) {
                            double p = Math.exp(logits.getDouble(r, j) - max) / total;
                            double expected = counted[r] ? share * (p - (j == targets[r] ? 1 : 0)) : 0;
                            assertThat(grad.getDouble(r, j)).as("%s row %d col %d", type, r, j)
                                    .isCloseTo(expected, within(type == DataType.FLOAT ? 1e-8 : 1e-12));
                        }
                    }
                    assertThat(sum).as("%s %d threads", type, threads).isCloseTo(expectedSum, within(1e-9 * expectedSum));
                    assertThat(sum).isGreaterThan(190);                  // row 0 alone: about 200 nats
                }
            }
        }
    }

    @Test
    void theRowArgMaxIsNd4jsArgMax() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.randn(DataType.DOUBLE, 37, 301).castTo(type);
            a.putScalar(new long[] {5, 300}, 50.0);                          // the last column
            a.putScalar(new long[] {6, 0}, 50.0);                            // the first
            INDArray expected = Nd4j.argMax(a, 1);
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    int[] actual = new RowKernels(split).argMaxRows(a);
                    for (int r = 0; r < 37; r++) {
                        assertThat(actual[r]).as("row %d, %s, %d threads", r, type, threads).isEqualTo(expected.getInt(r));
                    }
                }
            }
        }
    }
}
