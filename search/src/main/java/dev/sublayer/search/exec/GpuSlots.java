package dev.sublayer.search.exec;

import dev.sublayer.evaluator.EngineNames;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.GpuSelection;
import dev.sublayer.search.config.StudyConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Which device each worker slot of a local pool trains on: slot {@code i} takes device {@code i mod n} of the
 * {@code n} selected GPUs, so the devices fill evenly (with {@code trials_per_gpu: 2} and two GPUs, slots 1-4 get
 * devices a, b, a, b) and, the slots sharing one queue, no device idles while trials wait. The checks that need
 * the machine's devices happen here, before any training: a listed index the machine lacks, {@code gpus: all}
 * without {@code nvidia-smi} or without GPUs, more workers than device slots, and an engine that cannot use a
 * device (DL4J's released CUDA build stops at compute capability 8.6).
 */
public final class GpuSlots {

    private static final Logger LOG = LogManager.getLogger(GpuSlots.class);

    /** The highest compute capability (major * 10 + minor) DL4J's released CUDA build runs on. */
    public static final int DL4J_MAX_CAPABILITY = 86;

    private GpuSlots() {
    }

    /**
     * The device of each worker slot (empty for CPU slots): {@code workers.count} slots, or one per device slot
     * where the count is left to the devices found.
     *
     * @param workers the workers section
     * @param engine  the study's engine, checked against each device's compute capability
     * @param smi     where to ask for the machine's GPUs
     * @throws ConfigException naming {@code /workers/gpus} (or {@code /training/engine}) and the fix
     */
    public static List<Optional<Gpu>> assign(StudyConfig.Workers workers, String engine, NvidiaSmi smi) {
        List<Gpu> devices = devices(workers.gpus(), smi);
        if (devices.isEmpty()) {
            List<Optional<Gpu>> cpu = new ArrayList<>();
            for (int i = 0; i < workers.count(); i++) {
                cpu.add(Optional.empty());
            }
            return cpu;
        }
        checkEngine(devices, engine);
        int deviceSlots = devices.size() * workers.trialsPerGpu();
        int count = workers.countPerDevice() ? deviceSlots : workers.count();
        if (count > deviceSlots) {
            throw ConfigException.at("/workers/count", "must be <= the " + devices.size() + " GPU(s) found x "
                    + "trials_per_gpu " + workers.trialsPerGpu() + " = " + deviceSlots + ", got " + count);
        }
        List<Optional<Gpu>> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Optional.of(devices.get(i % devices.size())));
        }
        return out;
    }

    /** The selected devices, as the machine describes them; empty for {@code gpus: none}. */
    static List<Gpu> devices(GpuSelection selection, NvidiaSmi smi) {
        return switch (selection) {
            case GpuSelection.None n -> List.of();
            case GpuSelection.All a -> {
                List<Gpu> found;
                try {
                    found = smi.list();
                } catch (IOException e) {
                    throw ConfigException.at("/workers/gpus", "all needs " + NvidiaSmi.BINARY + " to find the GPUs: "
                            + e.getMessage() + "; install the NVIDIA driver, put " + NvidiaSmi.BINARY
                            + " on the PATH, list the devices (e.g. gpus: [0, 1]) or set gpus: none");
                }
                if (found.isEmpty()) {
                    throw ConfigException.at("/workers/gpus", "all, but " + NvidiaSmi.BINARY + " lists no GPU; "
                            + "set gpus: none to train on the CPU");
                }
                yield found;
            }
            case GpuSelection.Indices(var indices) -> {
                if (smi.binary().isEmpty()) {
                    // The devices cannot be checked or described; CUDA will refuse a wrong index in the worker.
                    LOG.warn("{} not found ({}): GPUs {} are used unchecked, their model and memory unknown",
                            NvidiaSmi.BINARY, smi.searched(), indices);
                    yield indices.stream().map(Gpu::unknown).toList();
                }
                List<Gpu> found;
                try {
                    found = smi.list();
                } catch (IOException e) {
                    throw ConfigException.at("/workers/gpus", "cannot list the GPUs to check " + indices + ": "
                            + e.getMessage());
                }
                Map<Integer, Gpu> byIndex = found.stream().collect(Collectors.toMap(Gpu::index, Function.identity(),
                        (x, y) -> x));
                List<Gpu> out = new ArrayList<>();
                for (int i : indices) {
                    Gpu g = byIndex.get(i);
                    if (g == null) {
                        throw ConfigException.at("/workers/gpus", "device " + i + " does not exist; "
                                + NvidiaSmi.BINARY + " lists " + (found.isEmpty() ? "no GPU"
                                : "devices " + found.stream().map(d -> d.index() + " (" + d.name() + ")")
                                .collect(Collectors.joining(", "))));
                    }
                    out.add(g);
                }
                yield out;
            }
        };
    }

    private static void checkEngine(List<Gpu> devices, String engine) {
        if (!EngineNames.DL4J.equals(engine)) {
            return;
        }
        for (Gpu g : devices) {
            if (g.capability() > DL4J_MAX_CAPABILITY) {
                throw ConfigException.at("/training/engine", "dl4j cannot train on " + g.describe() + ": DL4J's "
                        + "released CUDA build stops at compute capability 8.6; use engine: djl (PyTorch with the "
                        + "CUDA 12.4 natives, build profile djl-cuda) or gpus: none");
            }
        }
    }

    /** A description of the assignment, e.g. {@code on gpu 0, 1 (2 trials per GPU)}; empty for CPU slots. */
    static String describe(List<Optional<Gpu>> slots) {
        Map<Integer, Long> perDevice = slots.stream().flatMap(Optional::stream)
                .collect(Collectors.groupingBy(Gpu::index, java.util.TreeMap::new, Collectors.counting()));
        if (perDevice.isEmpty()) {
            return "";
        }
        long most = perDevice.values().stream().mapToLong(Long::longValue).max().orElse(1);
        return "on gpu " + perDevice.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "))
                + (most > 1 ? " (up to " + most + " trials per GPU)" : "");
    }
}
