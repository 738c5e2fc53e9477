package dev.sublayer.evaluator.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A model's parameters and their gradients kept in two flat arrays, every parameter a view of its stretch
 * in layout order, so that the optimizer updates all of them with a few whole-array operations instead of
 * a dozen per parameter.
 *
 * @param values    every parameter value, in order (live)
 * @param gradients every gradient, in the same order (live)
 * @param names     the parameter names, in order
 * @param sizes     the number of scalars of each parameter, in order
 */
record FlatParameters(INDArray values, INDArray gradients, List<String> names, List<Long> sizes) {

    FlatParameters {
        names = List.copyOf(names);
        sizes = List.copyOf(sizes);
        long total = sizes.stream().mapToLong(Long::longValue).sum();
        if (names.size() != sizes.size() || values.length() != total || gradients.length() != total) {
            throw new IllegalArgumentException("flat arrays of " + values.length() + " and " + gradients.length()
                    + " values for " + names.size() + " parameters of " + total + " values");
        }
    }
}
