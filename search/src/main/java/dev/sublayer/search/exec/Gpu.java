package dev.sublayer.search.exec;

import java.util.Objects;

/**
 * One GPU as {@code nvidia-smi} lists it.
 *
 * @param index             the device index ({@code nvidia-smi}'s numbering, what {@code CUDA_VISIBLE_DEVICES}
 *                          takes)
 * @param name              the model, e.g. {@code NVIDIA H100 80GB HBM3}; {@code unknown} where it could not be
 *                          queried
 * @param memoryMib         total memory in MiB; 0 where unknown
 * @param computeCapability e.g. {@code 9.0}; empty where unknown (older drivers cannot report it)
 */
public record Gpu(int index, String name, long memoryMib, String computeCapability) {

    public Gpu {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(computeCapability, "computeCapability");
        if (index < 0 || memoryMib < 0) {
            throw new IllegalArgumentException("a GPU needs index >= 0 and memory >= 0, got " + index + " and "
                    + memoryMib);
        }
    }

    /** A device known only by its index (no {@code nvidia-smi} to ask). */
    public static Gpu unknown(int index) {
        return new Gpu(index, "unknown", 0, "");
    }

    /**
     * The compute capability as major * 10 + minor (e.g. 86 for 8.6), or -1 where unknown or unreadable.
     */
    public int capability() {
        String[] parts = computeCapability.split("\\.");
        try {
            return parts.length == 2 ? Integer.parseInt(parts[0]) * 10 + Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * What a trial's provenance records as its device, e.g. {@code gpu 3 NVIDIA H100 80GB HBM3, 81559 MiB, compute
     * 9.0}.
     */
    public String describe() {
        StringBuilder b = new StringBuilder("gpu ").append(index).append(' ').append(name);
        if (memoryMib > 0) {
            b.append(", ").append(memoryMib).append(" MiB");
        }
        if (!computeCapability.isEmpty()) {
            b.append(", compute ").append(computeCapability);
        }
        return b.toString();
    }
}
