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
 * The fused element-wise passes: activation backward bit for bit what the ND4J op sequences it replaces gives;
 * the gated pass bit for bit the gate's pass and ND4J's product; the forward activation and the gradient norm
 * against straightforward double computations written out here (float within float rounding, double within the
 * sigmoid's 3e-11); every pass in float and double, for every activation, on arrays whose size is not a multiple
 * of the chunk, split over 1 to 3 threads.
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

}
