package dev.sublayer.evaluator;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The memory limits of a process that trains trials (a worker JVM, {@code evaluate}, an in-process search), set
 * so that a model that needs more than it was estimated to ends as that process's own out-of-memory error, not
 * as the kernel's OOM killer taking memory from the whole machine.
 *
 * <p>Such a JVM is bounded twice: by its heap ({@code -Xmx}) and by JavaCPP's physical-memory limit
 * ({@value #MAX_PHYSICAL_BYTES}), which ND4J's native allocations check against the process's resident memory
 * and turn into an {@link OutOfMemoryError}. JavaCPP's own default is four times the heap, whatever the machine
 * has (a JVM with the default heap, a quarter of the machine, could take all of it); Sublayer sets it to
 * {@link #physicalCap}: at most {@value #MACHINE_SHARE} of the machine's memory, shared by the processes that
 * train at once. The DJL engine's PyTorch allocations bypass JavaCPP: for it only the evaluator's estimate check
 * before a trial is built guards the machine.
 */
public final class ProcessMemory {

    /** JavaCPP's limit on the process's resident memory, checked at every native allocation of ND4J. */
    public static final String MAX_PHYSICAL_BYTES = "org.bytedeco.javacpp.maxphysicalbytes";
    /** The same property as JavaCPP also spells it. */
    public static final String MAX_PHYSICAL_BYTES_CAMEL = "org.bytedeco.javacpp.maxPhysicalBytes";
    /** The share of the machine's memory that the processes training at once may use together. */
    public static final double MACHINE_SHARE = 0.8;
    /** JavaCPP's default physical-memory limit, in heaps. */
    public static final int HEAPS = 4;

    private ProcessMemory() {
    }

    /** The machine's physical memory (the container's limit where one is set), in bytes. */
    public static long machineBytes() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
    }

    /**
     * The physical-memory limit of one of {@code processes} trial processes with a heap of {@code heapBytes}: the
     * smaller of JavaCPP's default ({@value #HEAPS} heaps) and its share of {@value #MACHINE_SHARE} of the
     * machine's memory.
     */
    public static long physicalCap(long heapBytes, int processes) {
        if (processes < 1) {
            throw new IllegalArgumentException("processes must be >= 1, got " + processes);
        }
        long share = (long) (machineBytes() * MACHINE_SHARE / processes);
        long heaps = heapBytes > Long.MAX_VALUE / HEAPS ? Long.MAX_VALUE : HEAPS * heapBytes;
        return Math.min(heaps, share);
    }

    /**
     * Bytes of a JVM heap size as {@code -Xmx} takes it: digits with an optional {@code k}, {@code m} or {@code g}.
     *
     * @throws IllegalArgumentException naming the value when it is not such a size
     */
    public static long heapBytes(String heap) {
        String h = heap.strip().toLowerCase(Locale.ROOT);
        long unit = switch (h.isEmpty() ? ' ' : h.charAt(h.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? h : h.substring(0, h.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n < 1 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("heap '" + heap + "' is not a size, expected digits with an optional "
                    + "k, m or g (e.g. 2g)");
        }
    }

    /**
     * Sets this JVM's physical-memory limit to {@link #physicalCap} of its heap for one process, unless the
     * command line set it. Call before anything loads JavaCPP (it reads the limit once).
     */
    public static void capThisProcess() {
        if (System.getProperty(MAX_PHYSICAL_BYTES) == null && System.getProperty(MAX_PHYSICAL_BYTES_CAMEL) == null) {
            System.setProperty(MAX_PHYSICAL_BYTES, Long.toString(physicalCap(Runtime.getRuntime().maxMemory(), 1)));
        }
    }

    /** {@code bytes} in GiB with two decimals, for messages. */
    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
}
