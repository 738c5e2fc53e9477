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

/**
 * AdamW on flat arrays (one fused pass) against AdamW parameter by parameter (ND4J's whole-array ops and
 * OpenBLAS's axpy), bit for bit, in float and double, on 1 to 3 threads, with parameters smaller than a
 * chunk of the fused pass and larger ones whose boundaries fall inside chunks.
 */
@NativeTest
class AdamWFlatTest {

    private static final List<String> NAMES = List.of("w1", "b1", "w2", "g");
    private static final List<Long> SIZES = List.of(12L, 4L, 20L, 5L);
    private static final List<Long> LARGE = List.of(3600L, 1200L, 6000L, 1500L);

    private final SplitBlas threads = new SplitBlas(1);
    private final FusedKernels kernels = new FusedKernels(threads);

    @org.junit.jupiter.api.AfterEach
    void close() {
        threads.close();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"FLOAT, 1, false", "FLOAT, 2, true", "FLOAT, 3, true",
            "DOUBLE, 2, true", "FLOAT, 1, true"})
    void flatUpdatesEqualPerParameterUpdatesBitForBit(DataType type, int threadCount, boolean large) {
        List<Long> sizes = large ? LARGE : SIZES;
        long total = sizes.stream().mapToLong(Long::longValue).sum();
        SplittableRandom rnd = new SplittableRandom(8);
        INDArray flatValues = Nd4j.create(type, total);
        INDArray flatGradients = Nd4j.create(type, total);
        Map<String, INDArray> flatParams = views(flatValues, sizes);
        Map<String, INDArray> flatGrads = views(flatGradients, sizes);
        Map<String, INDArray> params = new LinkedHashMap<>();
        fill(rnd, flatValues);
        flatParams.forEach((k, v) -> params.put(k, v.dup()));
        FlatParameters flat = new FlatParameters(flatValues, flatGradients, NAMES, sizes);
        List<String> decayed = List.of("w1", "w2");
        AdamW flatOptimizer = new AdamW(0.9, 0.99, 1e-8, 0.1, 1.0, decayed);
        SplitBlas split = new SplitBlas(threadCount);
        flatOptimizer.useFlat(flat, new FusedKernels(split));
        AdamW optimizer = new AdamW(0.9, 0.99, 1e-8, 0.1, 1.0, decayed);
        for (int step = 0; step < 5; step++) {
            fill(rnd, flatGradients);
            Map<String, INDArray> grads = new LinkedHashMap<>();
            flatGrads.forEach((k, v) -> grads.put(k, v.dup()));
            double norm = 0.5 + step;                                    // above and below the clip norm
            flatOptimizer.updateFlat(flat, norm, 0.01);
            optimizer.update(params, grads, norm, 0.01);
            for (String name : NAMES) {
                assertThat(flatParams.get(name)).as("%s after step %d", name, step + 1).isEqualTo(params.get(name));
                assertThat(flatOptimizer.firstMoments().get(name)).isEqualTo(optimizer.firstMoments().get(name));
                assertThat(flatOptimizer.secondMoments().get(name)).isEqualTo(optimizer.secondMoments().get(name));
            }
        }
        split.close();
    }

    @Test
    void restoredFlatMomentsContinueLikeTheOriginal() {
        SplittableRandom rnd = new SplittableRandom(9);
        INDArray values = Nd4j.create(DataType.FLOAT, 41);
        INDArray gradients = Nd4j.create(DataType.FLOAT, 41);
        fill(rnd, values);
        FlatParameters flat = new FlatParameters(values, gradients, NAMES, SIZES);
        AdamW original = new AdamW(0.9, 0.99, 1e-8, 0.0, 0.0, List.of());
        original.useFlat(flat, kernels);
        fill(rnd, gradients);
        original.updateFlat(flat, 1, 0.01);
        Map<String, INDArray> first = new LinkedHashMap<>();
        Map<String, INDArray> second = new LinkedHashMap<>();
        original.firstMoments().forEach((k, v) -> first.put(k, v.dup()));
        original.secondMoments().forEach((k, v) -> second.put(k, v.dup()));
        AdamW restored = new AdamW(0.9, 0.99, 1e-8, 0.0, 0.0, List.of());
        restored.useFlat(flat, kernels);
        restored.restore(original.step(), first, second);
        assertThat(restored.step()).isEqualTo(1);
        for (String name : NAMES) {
            assertThat(restored.firstMoments().get(name)).isEqualTo(original.firstMoments().get(name));
            assertThat(restored.secondMoments().get(name)).isEqualTo(original.secondMoments().get(name));
        }
    }

    private static Map<String, INDArray> views(INDArray flat, List<Long> sizes) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        long at = 0;
        for (int i = 0; i < NAMES.size(); i++) {
            out.put(NAMES.get(i), flat.get(NDArrayIndex.interval(at, at + sizes.get(i))));
            at += sizes.get(i);
        }
        return out;
    }

    private static void fill(SplittableRandom rnd, INDArray a) {
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, rnd.nextDouble(-1, 1));
        }
    }
}
