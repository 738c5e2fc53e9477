package dev.sublayer.evaluator.dl4j;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Work on ND4J's native buffers in place, split over the threads of a {@link SplitBlas}: a buffer is read
 * through a {@link MemorySegment} over its address (no ND4J call, no JNI), a chunk of values or a block of whole
 * rows at a time, into small Java arrays of the thread ({@link Chunks}) that stay in the L1 cache, where the JIT
 * vectorises the arithmetic, and written back the same way. What {@link FusedKernels} (element-wise passes) and
 * {@link RowKernels} (per-row passes) are built on.
 *
 * <p>C2 (JDK 25) vectorises a loop only when every array of one type in it is indexed alike: {@code y[at + j] +=
 * b[j]} stays scalar (0.52 ns per value: the two might be one array), {@code y[i] += bTiled[i]} runs at 0.08 ns.
 * Hence {@link #tile}: a bias or gain repeated over a block of rows, so that loops over a block index every array
 * with the same {@code i}.
 */
final class NativeBlocks {

    /** Elements per chunk: three float chunks fit in a 32 KB L1 cache with room to spare. */
    static final int CHUNK = 2048;

    private static final ThreadLocal<Chunks> CHUNKS = ThreadLocal.withInitial(Chunks::new);

    private final SplitBlas threads;

    /** Blocks split over the threads of {@code threads}. */
    NativeBlocks(SplitBlas threads) {
        this.threads = threads;
    }

    /** Work on the elements {@code [from, from + n)}, {@code n <= CHUNK}, with the thread's chunk arrays. */
    interface ChunkWork {
        void run(Chunks chunks, long from, int n);
    }

    /** Runs {@code work} over elements {@code [0, length)}, in chunks, split over the threads. */
    void chunks(long length, ChunkWork work) {
        long chunks = (length + CHUNK - 1) / CHUNK;
        threads.parallel(p -> {
            Chunks k = CHUNKS.get();
            long first = chunks * p / threads.threads();
            long last = chunks * (p + 1) / threads.threads();
            for (long chunk = first; chunk < last; chunk++) {
                long from = chunk * CHUNK;
                work.run(k, from, (int) Math.min(CHUNK, length - from));
            }
        });
    }

    /** Work on rows {@code [first, first + count)}, in part {@code part} of the split, with the thread's arrays. */
    interface RowWork {
        void run(Chunks chunks, int part, int first, int count);
    }

    /**
     * Runs {@code work} over rows {@code [0, rows)} of {@code cols} values, in contiguous shares, one per thread,
     * each in blocks of about a chunk's values (at least one row), so that per-block costs are spread thin.
     */
    void rows(int rows, int cols, RowWork work) {
        int block = rowsPerBlock(cols);
        threads.parallel(p -> {
            Chunks k = CHUNKS.get();
            int end = threads.from(p + 1, rows);
            for (int first = threads.from(p, rows); first < end; first += block) {
                work.run(k, p, first, Math.min(block, end - first));
            }
        });
    }

    /**
     * Whole rows of a dense C-order float or double array (a vector is one row), read into and written from a
     * thread's {@code double[]} in place in its native memory: float values widened on the way in (through a
     * bulk copy into a float array), rounded on the way out.
     */
    record Rows(MemorySegment memory, boolean floats, int cols) {

        /** The whole dense array as one row, for copies of all its values. */
        static Rows whole(INDArray a) {
            return new Rows(segment(a), a.dataType() == DataType.FLOAT, Math.toIntExact(a.length()));
        }

        static Rows of(INDArray a) {
            return new Rows(segment(a), a.dataType() == DataType.FLOAT, (int) (a.rank() == 1 ? a.length() : a.size(1)));
        }

        /** Rows {@code [first, first + count)} in the thread's double array {@code slot}. */
        double[] read(Chunks k, int slot, long first, int count) {
            int n = count * cols;
            double[] dst = k.doubles(slot, n);
            if (floats) {
                float[] staged = k.staged(n);
                MemorySegment.copy(memory, ValueLayout.JAVA_FLOAT, first * cols * Float.BYTES, staged, 0, n);
                for (int i = 0; i < n; i++) {
                    dst[i] = staged[i];
                }
            } else {
                MemorySegment.copy(memory, ValueLayout.JAVA_DOUBLE, first * cols * Double.BYTES, dst, 0, n);
            }
            return dst;
        }

        /** Rows {@code [first, first + count)} from {@code src}. */
        void write(Chunks k, double[] src, long first, int count) {
            int n = count * cols;
            if (floats) {
                float[] staged = k.staged(n);
                for (int i = 0; i < n; i++) {
                    staged[i] = (float) src[i];
                }
                MemorySegment.copy(staged, 0, memory, ValueLayout.JAVA_FLOAT, first * cols * Float.BYTES, n);
            } else {
                MemorySegment.copy(src, 0, memory, ValueLayout.JAVA_DOUBLE, first * cols * Double.BYTES, n);
            }
        }

        /** {@code dst[0…cols)} = row {@code row}, widened to double (no thread arrays: for scattered single rows). */
        void readRow(long row, double[] dst) {
            long at = row * cols;
            for (int j = 0; j < cols; j++) {
                dst[j] = floats ? memory.getAtIndex(ValueLayout.JAVA_FLOAT, at + j) : memory.getAtIndex(ValueLayout.JAVA_DOUBLE, at + j);
            }
        }

        /** Row {@code row} = {@code src[0…cols)}, rounded to float for a float array. */
        void writeRow(long row, double[] src) {
            long at = row * cols;
            for (int j = 0; j < cols; j++) {
                if (floats) {
                    memory.setAtIndex(ValueLayout.JAVA_FLOAT, at + j, (float) src[j]);
                } else {
                    memory.setAtIndex(ValueLayout.JAVA_DOUBLE, at + j, src[j]);
                }
            }
        }

        /** This array's row {@code to} = row {@code from} of {@code source} (same type and width), as bytes. */
        void copyRow(long to, Rows source, long from) {
            long bytes = (long) cols * (floats ? Float.BYTES : Double.BYTES);
            MemorySegment.copy(source.memory, from * bytes, memory, to * bytes, bytes);
        }

        /** The first row in a new array, for a vector of parameters. */
        double[] vector() {
            double[] out = new double[cols];
            for (int j = 0; j < cols; j++) {
                out[j] = floats ? memory.getAtIndex(ValueLayout.JAVA_FLOAT, j) : memory.getAtIndex(ValueLayout.JAVA_DOUBLE, j);
            }
            return out;
        }

        /** The first row from {@code values}. */
        void writeVector(double[] values) {
            for (int j = 0; j < cols; j++) {
                if (floats) {
                    memory.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) values[j]);
                } else {
                    memory.setAtIndex(ValueLayout.JAVA_DOUBLE, j, values[j]);
                }
            }
        }
    }

    /** The whole buffer of a dense float or double array as a segment. */
    static MemorySegment segment(INDArray a) {
        if (a.ordering() != 'c' || (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE)) {
            throw new IllegalArgumentException("native blocks need C-order FLOAT or DOUBLE arrays, got "
                    + a.shapeInfoToString());
        }
        Pointer base = a.data().pointer();
        long size = a.dataType().width();
        return MemorySegment.ofAddress(base.address() + (base.position() + a.offset()) * size)
                .reinterpret(a.length() * size);
    }

    static void write(float[] src, MemorySegment dst, long from, int n) {
        MemorySegment.copy(src, 0, dst, ValueLayout.JAVA_FLOAT, from * Float.BYTES, n);
    }

    static void write(double[] src, MemorySegment dst, long from, int n) {
        MemorySegment.copy(src, 0, dst, ValueLayout.JAVA_DOUBLE, from * Double.BYTES, n);
    }

    /** One thread's chunk arrays, four of each type. */
    static final class Chunks {
        private final float[][] floats = new float[4][CHUNK];
        private final double[][] doubles = new double[4][CHUNK];
        private final double[][] grown = new double[5][0];
        private float[] staged = new float[0];

        /** Chunk array {@code slot} filled with elements {@code [from, from + n)} of {@code src}. */
        float[] floats(int slot, MemorySegment src, long from, int n) {
            MemorySegment.copy(src, ValueLayout.JAVA_FLOAT, from * Float.BYTES, floats[slot], 0, n);
            return floats[slot];
        }

        /** Double array {@code slot} (of five) for {@link Rows}, at least {@code n} long; contents undefined. */
        double[] doubles(int slot, int n) {
            if (grown[slot].length < n) {
                grown[slot] = new double[n];
            }
            return grown[slot];
        }

        /** The float array between native memory and {@link #doubles(int, int)}, at least {@code n} long. */
        float[] staged(int n) {
            if (staged.length < n) {
                staged = new float[n];
            }
            return staged;
        }

        double[] doubles(int slot, MemorySegment src, long from, int n) {
            MemorySegment.copy(src, ValueLayout.JAVA_DOUBLE, from * Double.BYTES, doubles[slot], 0, n);
            return doubles[slot];
        }
    }

    /** {@code y[0…n) ← y[0…n) + b[0…n)}, each sum rounded to float when {@code floats} (a float addition). */
    static void add(double[] y, double[] b, int n, boolean floats) {
        if (floats) {
            for (int i = 0; i < n; i++) {
                y[i] = (float) (y[i] + b[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                y[i] += b[i];
            }
        }
    }

    /**
     * {@code row} repeated for every row of a block of {@link #rows}. Loops over a block then index every
     * array alike, which the JIT vectorises; it does not vectorise a loop that indexes one array of a type at
     * {@code at + j} and another at {@code j} (they might be the same array).
     */
    static double[] tile(double[] row, int cols) {
        int block = rowsPerBlock(cols);
        double[] out = new double[block * cols];
        for (int r = 0; r < block; r++) {
            System.arraycopy(row, 0, out, r * cols, cols);
        }
        return out;
    }

    static int rowsPerBlock(int cols) {
        return Math.max(1, CHUNK / Math.max(1, cols));
    }

    /** Σ a[from..to) with four running sums, so that the additions overlap; a fixed order, so deterministic. */
    static double sum(double[] a, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = from;
        for (; j + 3 < to; j += 4) {
            s0 += a[j];
            s1 += a[j + 1];
            s2 += a[j + 2];
            s3 += a[j + 3];
        }
        for (; j < to; j++) {
            s0 += a[j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** The per-thread, per-row-of-a-block partial sums ({@link #tile}d) added up, threads and rows in order. */
    static double[] total(double[][] parts, int cols) {
        double[] out = new double[cols];
        for (double[] part : parts) {
            for (int at = 0; at < part.length; at += cols) {
                for (int j = 0; j < cols; j++) {
                    out[j] += part[at + j];
                }
            }
        }
        return out;
    }
}
