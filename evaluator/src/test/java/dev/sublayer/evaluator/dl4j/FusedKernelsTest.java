package dev.sublayer.evaluator.dl4j;

import dev.sublayer.space.Activation;
import dev.sublayer.testing.NativeTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The fused passes: activation backward bit for bit what the ND4J op sequences it replaces gives; the forward
 * activation, the norms and their backward pass against straightforward double computations written out here
 * (float within float rounding, double within the sigmoid's 3e-11); every pass in float and double, for every
 * activation and norm, on arrays whose size is not a multiple of the chunk, split over 1 to 3 threads.
 */
@NativeTest
class FusedKernelsTest {

    private static final double GELU = 1.702f;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void theFusedActivationBackwardEqualsTheNd4jOpsBitForBit(Activation activation) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    FusedKernels kernels = new FusedKernels(split);
                    double c = activation == Activation.GELU || activation == Activation.GEGLU ? GELU : 1.0;
                    long[] shape = {37, 301};                      // 11,137 elements: 5 chunks and a remainder
                    INDArray z = Nd4j.randn(DataType.DOUBLE, shape).muli(3).castTo(type);
                    z.putScalar(0, 0.0);                           // relu's derivative at 0, and its sign
                    INDArray s = sigmoid(z, c);
                    INDArray dh = Nd4j.randn(DataType.DOUBLE, shape).castTo(type);
                    if (!activation.gated()) {
                        INDArray h = Transforms.relu(z, true);
                        INDArray kept = activation == Activation.RELU2 ? h : s;
                        INDArray expected = dh.mul(reference(activation, z, kept, h, c));
                        INDArray actual = dh.dup();
                        kernels.activationBackward(activation, c, z, kept, h, actual);
                        assertThat(actual).as("%s %s %d threads", activation, type, threads).isEqualTo(expected);
                    } else {
                        INDArray value = Nd4j.randn(DataType.DOUBLE, shape).castTo(type);
                        INDArray g = z.mul(s);
                        INDArray expectedDz = dh.mul(g);
                        INDArray expectedDh = dh.mul(value).muli(reference(Activation.GELU, z, s, null, c));
                        INDArray actualDh = dh.dup();
                        INDArray actualDz = Nd4j.zeros(type, shape);
                        kernels.gatedBackward(c, value, g, z, s, actualDh, actualDz);
                        assertThat(actualDz).as("dz %s %s %d threads", activation, type, threads).isEqualTo(expectedDz);
                        assertThat(actualDh).as("dzg %s %s %d threads", activation, type, threads).isEqualTo(expectedDh);
                    }
                }
            }
        }
    }

    private static INDArray sigmoid(INDArray z, double c) {
        INDArray s = z.mul(c);
        Nd4j.exec(new Sigmoid(s, s));
        return s;
    }

    /** The derivative as the ND4J ops computed it before the fusion. */
    private static INDArray reference(Activation activation, INDArray z, INDArray s, INDArray h, double c) {
        INDArray out = z.ulike();
        switch (activation) {
            case RELU -> Nd4j.exec(new Sign(h, out));
            case RELU2 -> out.assign(s).muli(2);
            case GELU, GEGLU, SWIGLU -> {
                s.rsub(1.0, out).muli(s).muli(z);
                if (c != 1.0) {
                    out.muli(c);
                }
                out.addi(s);
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void theBiasAndActivationPassComputesTheActivationOfTheBiasedInput(Activation activation) {
        double c = activation == Activation.GELU || activation == Activation.GEGLU ? GELU : 1.0;
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray z0 = Nd4j.randn(DataType.DOUBLE, 37, 301).muli(3).castTo(type);
            z0.putScalar(0, -0.25);                                  // with the bias below: exactly 0
            INDArray b = Nd4j.randn(DataType.DOUBLE, 301).castTo(type);
            b.putScalar(0, 0.25);
            INDArray firstH = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    INDArray z = z0.dup();
                    INDArray s = z.ulike();
                    INDArray h = z.ulike();
                    new FusedKernels(split).biasActivation(activation, c, b, z, s, h);
                    double tolerance = type == DataType.FLOAT ? 3e-7 : 1e-10;
                    for (int i = 0; i < 37; i++) {
                        for (int j = 0; j < 301; j++) {
                            double biased = z0.getDouble(i, j) + b.getDouble(j);
                            if (type == DataType.FLOAT) {
                                biased = (float) biased;
                            }
                            assertThat(z.getDouble(i, j)).as("z + b").isEqualTo(biased);
                            double sigma = 1 / (1 + Math.exp(-c * biased));
                            double expected = switch (activation) {
                                case RELU -> Math.max(biased, 0);
                                case RELU2 -> Math.max(biased, 0) * Math.max(biased, 0);
                                case GELU, GEGLU, SWIGLU -> biased * sigma;
                            };
                            assertThat(h.getDouble(i, j)).as("%s %s at (%d, %d)", activation, type, i, j)
                                    .isCloseTo(expected, within(tolerance * Math.max(1, Math.abs(expected))));
                            if (activation != Activation.RELU && activation != Activation.RELU2) {
                                assertThat(s.getDouble(i, j)).as("σ kept").isCloseTo(sigma, within(tolerance));
                            }
                        }
                    }
                    assertThat(h.getDouble(0, 0)).as("act(0)").isZero();
                    if (firstH == null) {
                        firstH = h;
                    } else {
                        assertThat(h).as("%s %s: the same at %d threads as at 1", activation, type, threads).isEqualTo(firstH);
                    }
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theSigmoidIsWithin3e11OfTheExactValueAndSaturatesCleanly() {
        double worst = 0;
        for (int i = -400_000; i <= 400_000; i++) {
            double x = i * 1e-4;
            double exact = 1 / (1 + Math.exp(-x));
            worst = Math.max(worst, Math.abs(FusedKernels.sigmoid(x) - exact) / exact);
        }
        assertThat(worst).isLessThan(3e-11);
        assertThat(FusedKernels.sigmoid(0.0)).isEqualTo(0.5);
        assertThat(FusedKernels.sigmoid(-0.0)).isEqualTo(0.5);
        assertThat(FusedKernels.sigmoid(1e-40)).isEqualTo(0.5);
        assertThat(FusedKernels.sigmoid(1000)).isEqualTo(1.0);
        assertThat(FusedKernels.sigmoid(-1000)).isBetween(0.0, 1e-40);
        assertThat(FusedKernels.sigmoid(Double.NaN)).isNaN();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
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
                    FusedKernels kernels = new FusedKernels(split);
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

    @org.junit.jupiter.api.Test
    void theBiasPassSetsOrAddsTheBiasAndTheCopyCopies() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    FusedKernels kernels = new FusedKernels(split);
                    INDArray y = Nd4j.randn(DataType.DOUBLE, 37, 301).castTo(type);
                    INDArray b = Nd4j.randn(DataType.DOUBLE, 301).castTo(type);
                    INDArray added = y.dup();
                    kernels.bias(added, b, true);
                    assertThat(added).as("%s %d threads", type, threads).isEqualTo(y.addRowVector(b.reshape(1, 301)));
                    INDArray set = y.dup();
                    kernels.bias(set, b, false);
                    assertThat(set).isEqualTo(Nd4j.zeros(type, 37, 301).addiRowVector(b.reshape(1, 301)));
                    INDArray copy = y.ulike();
                    kernels.copy(y, copy);
                    assertThat(copy).isEqualTo(y);
                    INDArray row = copy.getRow(3);                          // a view: only its values
                    kernels.zero(row);
                    assertThat(copy.getRow(3)).isEqualTo(Nd4j.zeros(type, 301));
                    assertThat(copy.getRow(2)).isEqualTo(y.getRow(2));
                    assertThat(copy.getRow(4)).isEqualTo(y.getRow(4));
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
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
                    FusedKernels kernels = new FusedKernels(split);
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

    @org.junit.jupiter.api.Test
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
                    double sum = new FusedKernels(split).softmaxCrossEntropy(grad, targets, counted, share);
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

    @org.junit.jupiter.api.Test
    void theNormOfAWholeArrayIsExactToRoundingAndTheSameAtEveryThreadCount() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.randn(DataType.DOUBLE, 11_137).castTo(type);     // 5 chunks and a remainder
            double sum = 0;
            for (int i = 0; i < a.length(); i++) {
                sum += a.getDouble(i) * a.getDouble(i);
            }
            Double first = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    double norm = new FusedKernels(split).norm2(a);
                    assertThat(norm).as("%s %d threads", type, threads).isCloseTo(Math.sqrt(sum), within(1e-12 * Math.sqrt(sum)));
                    if (first == null) {
                        first = norm;
                    } else {
                        assertThat(norm).as("%s: the same at %d threads as at 1", type, threads).isEqualTo(first);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void theGatedPassEqualsTheGateActivationTimesTheValueBitForBit(boolean withBiases) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray zg0 = Nd4j.randn(DataType.DOUBLE, 37, 301).muli(3).castTo(type);
            INDArray z0 = Nd4j.randn(DataType.DOUBLE, 37, 301).castTo(type);
            INDArray bg = withBiases ? Nd4j.randn(DataType.DOUBLE, 301).castTo(type) : null;
            INDArray bv = withBiases ? Nd4j.randn(DataType.DOUBLE, 301).castTo(type) : null;
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    FusedKernels kernels = new FusedKernels(split);
                    INDArray zgExpected = withBiases ? zg0.addRowVector(bg.reshape(1, 301)) : zg0.dup();
                    INDArray zExpected = withBiases ? z0.addRowVector(bv.reshape(1, 301)) : z0.dup();
                    INDArray sExpected = z0.ulike();
                    INDArray gExpected = z0.ulike();
                    kernels.biasActivation(Activation.SWIGLU, 1.0, null, zgExpected, sExpected, gExpected);
                    INDArray hExpected = gExpected.mul(zExpected);

                    INDArray zg = zg0.dup();
                    INDArray z = z0.dup();
                    INDArray s = z0.ulike();
                    INDArray g = z0.ulike();
                    INDArray h = z0.ulike();
                    kernels.gatedActivation(1.0, bg, zg, bv, z, s, g, h);
                    String what = type + " " + threads + " threads" + (withBiases ? ", biases" : "");
                    assertThat(zg).as("zg, %s", what).isEqualTo(zgExpected);
                    assertThat(z).as("z, %s", what).isEqualTo(zExpected);
                    assertThat(s).as("s, %s", what).isEqualTo(sExpected);
                    assertThat(g).as("g, %s", what).isEqualTo(gExpected);
                    assertThat(h).as("h, %s", what).isEqualTo(hExpected);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theRowArgMaxIsNd4jsArgMax() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.randn(DataType.DOUBLE, 37, 301).castTo(type);
            a.putScalar(new long[] {5, 300}, 50.0);                          // the last column
            a.putScalar(new long[] {6, 0}, 50.0);                            // the first
            INDArray expected = Nd4j.argMax(a, 1);
            for (int threads = 1; threads <= 3; threads++) {
                try (SplitBlas split = new SplitBlas(threads)) {
                    int[] actual = new FusedKernels(split).argMaxRows(a);
                    for (int r = 0; r < 37; r++) {
                        assertThat(actual[r]).as("row %d, %s, %d threads", r, type, threads).isEqualTo(expected.getInt(r));
                    }
                }
            }
        }
    }
}
