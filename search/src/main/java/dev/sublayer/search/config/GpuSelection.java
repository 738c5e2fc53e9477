package dev.sublayer.search.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The GPUs a study's local workers train on ({@code workers.gpus}): none (train on the CPU), every GPU that
 * {@code nvidia-smi} lists, or the listed device indices. Each worker process sees only its own device
 * ({@code CUDA_VISIBLE_DEVICES}).
 */
public sealed interface GpuSelection {

    /** {@code none}: no GPU; the default. */
    GpuSelection NONE = new None();

    /** {@code all}: every GPU {@code nvidia-smi} lists when the session starts. */
    GpuSelection ALL = new All();

    /** The listed device indices ({@code nvidia-smi}'s numbering), in the given order; at least one, distinct. */
    static GpuSelection of(List<Integer> indices) {
        return new Indices(indices);
    }

    /** The value as the config writes it: {@code none}, {@code all} or {@code [0, 1]}. */
    String configText();

    /** No GPU. */
    record None() implements GpuSelection {
        @Override
        public String configText() {
            return "none";
        }
    }

    /** Every GPU found. */
    record All() implements GpuSelection {
        @Override
        public String configText() {
            return "all";
        }
    }

    /**
     * Listed devices.
     *
     * @param indices device indices as {@code nvidia-smi} numbers them, distinct, each >= 0
     */
    record Indices(List<Integer> indices) implements GpuSelection {
        public Indices {
            indices = List.copyOf(indices);
            if (indices.isEmpty()) {
                throw new IllegalArgumentException("a GPU list needs at least one device index");
            }
            if (indices.stream().distinct().count() != indices.size()) {
                throw new IllegalArgumentException("GPU indices must be distinct, got " + indices);
            }
            for (int i : indices) {
                if (i < 0) {
                    throw new IllegalArgumentException("GPU indices must be >= 0, got " + i);
                }
            }
        }

        @Override
        public String configText() {
            return indices.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
        }
    }
}
