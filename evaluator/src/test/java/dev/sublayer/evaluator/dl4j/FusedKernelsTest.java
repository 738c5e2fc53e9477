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

/**
 * The fused passes give bit for bit what the ND4J op sequences they replace give, in float and double, for
 * every activation, on an array whose length is not a multiple of the chunk, split over 1 to 3 threads.
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
}
