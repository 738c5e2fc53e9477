package dev.sublayer.evaluator.dl4j;

import dev.sublayer.testing.NativeTest;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** AdamW on flat arrays against AdamW parameter by parameter. */
@NativeTest
class AdamWFlatTest {

    private static final List<String> NAMES = List.of("w1", "b1", "w2", "g");
    private static final List<Long> SIZES = List.of(12L, 4L, 20L, 5L);

    @Test
    void flatUpdatesEqualPerParameterUpdatesBitForBit() {
        SplittableRandom rnd = new SplittableRandom(8);
        INDArray flatValues = Nd4j.create(DataType.FLOAT, 41);
        INDArray flatGradients = Nd4j.create(DataType.FLOAT, 41);
        Map<String, INDArray> flatParams = views(flatValues);
        Map<String, INDArray> flatGrads = views(flatGradients);
        Map<String, INDArray> params = new LinkedHashMap<>();
        fill(rnd, flatValues);
        flatParams.forEach((k, v) -> params.put(k, v.dup()));
        FlatParameters flat = new FlatParameters(flatValues, flatGradients, NAMES, SIZES);
        List<String> decayed = List.of("w1", "w2");
        AdamW flatOptimizer = new AdamW(0.9, 0.99, 1e-8, 0.1, 1.0, decayed);
        flatOptimizer.useFlat(flat);
        AdamW optimizer = new AdamW(0.9, 0.99, 1e-8, 0.1, 1.0, decayed);
        for (int step = 0; step < 5; step++) {
            fill(rnd, flatGradients);
            Map<String, INDArray> grads = new LinkedHashMap<>();
            flatGrads.forEach((k, v) -> grads.put(k, v.dup()));
            double norm = 0.5 + step;                                    // above and below the clip norm
            flatOptimizer.updateFlat(flat, flatParams, norm, 0.01);
            optimizer.update(params, grads, norm, 0.01);
            for (String name : NAMES) {
                assertThat(flatParams.get(name)).as("%s after step %d", name, step + 1).isEqualTo(params.get(name));
                assertThat(flatOptimizer.firstMoments().get(name)).isEqualTo(optimizer.firstMoments().get(name));
                assertThat(flatOptimizer.secondMoments().get(name)).isEqualTo(optimizer.secondMoments().get(name));
            }
        }
    }

    @Test
    void restoredFlatMomentsContinueLikeTheOriginal() {
        SplittableRandom rnd = new SplittableRandom(9);
        INDArray values = Nd4j.create(DataType.FLOAT, 41);
        INDArray gradients = Nd4j.create(DataType.FLOAT, 41);
        fill(rnd, values);
        FlatParameters flat = new FlatParameters(values, gradients, NAMES, SIZES);
        AdamW original = new AdamW(0.9, 0.99, 1e-8, 0.0, 0.0, List.of());
        original.useFlat(flat);
        fill(rnd, gradients);
        original.updateFlat(flat, views(values), 1, 0.01);
        Map<String, INDArray> first = new LinkedHashMap<>();
        Map<String, INDArray> second = new LinkedHashMap<>();
        original.firstMoments().forEach((k, v) -> first.put(k, v.dup()));
        original.secondMoments().forEach((k, v) -> second.put(k, v.dup()));
        AdamW restored = new AdamW(0.9, 0.99, 1e-8, 0.0, 0.0, List.of());
        restored.useFlat(flat);
        restored.restore(original.step(), first, second);
        assertThat(restored.step()).isEqualTo(1);
        for (String name : NAMES) {
            assertThat(restored.firstMoments().get(name)).isEqualTo(original.firstMoments().get(name));
            assertThat(restored.secondMoments().get(name)).isEqualTo(original.secondMoments().get(name));
        }
    }

    private static Map<String, INDArray> views(INDArray flat) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        long at = 0;
        for (int i = 0; i < NAMES.size(); i++) {
            out.put(NAMES.get(i), flat.get(NDArrayIndex.interval(at, at + SIZES.get(i))));
            at += SIZES.get(i);
        }
        return out;
    }

    private static void fill(SplittableRandom rnd, INDArray a) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, rnd.nextDouble(-1, 1));
        }
    }
}
