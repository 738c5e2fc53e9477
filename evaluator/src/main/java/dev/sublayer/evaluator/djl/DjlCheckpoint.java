package dev.sublayer.evaluator.djl;

import ai.djl.ndarray.NDArray;
import dev.sublayer.trial.CurvePoint;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The complete state of a stopped DJL training run: weights, AdamW moments, counters, the learning curve so
 * far and the partial loss window, so that continuing it equals never having stopped. Batches need no saved
 * state: they are a function of (seed, step).
 *
 * <p>The file format is the DL4J engine's (big-endian, version 1): magic {@code SLCK}, version, the trial
 * fingerprint (UTF), the counters, the curve, then per parameter its name, rank, shape and the float32
 * values of weight, first and second moment. Written to a temporary file and moved into place, so a crash
 * never leaves half a file. The fingerprint names the engine, so one engine refuses the other's checkpoints:
 * the engines agree within float32 rounding, not bit for bit, and a continued trial must equal its
 * straight-through run exactly.
 *
 * @param fingerprint   what the run was (engine, architecture, data, training config, seed); must match on resume
 * @param steps         optimizer steps done
 * @param tokens        training tokens seen
 * @param trainSeconds  training wall seconds spent
 * @param trainingFlops training FLOPs spent
 * @param pendingLoss   sum of training losses since the last curve point
 * @param pendingSteps  steps since the last curve point
 * @param curve         the learning curve points at regular intervals
 * @param shapes        parameter shapes by name, in parameter order
 * @param weights       parameter values by name, row-major
 * @param first         AdamW first moments by name
 * @param second        AdamW second moments by name
 */
record DjlCheckpoint(String fingerprint, long steps, long tokens, double trainSeconds, double trainingFlops,
                     double pendingLoss, long pendingSteps, List<CurvePoint> curve, Map<String, long[]> shapes,
                     Map<String, float[]> weights, Map<String, float[]> first, Map<String, float[]> second) {

    private static final int MAGIC = 0x534C434B; // "SLCK"
    private static final int VERSION = 1;

    /** Copies the live arrays of a run into a checkpoint. */
    static DjlCheckpoint of(String fingerprint, long steps, long tokens, double trainSeconds, double trainingFlops,
                            double pendingLoss, long pendingSteps, List<CurvePoint> curve, Map<String, NDArray> params,
                            Map<String, NDArray> first, Map<String, NDArray> second) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> w = new LinkedHashMap<>();
        Map<String, float[]> m = new LinkedHashMap<>();
        Map<String, float[]> v = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            String name = e.getKey();
            shapes.put(name, e.getValue().getShape().getShape());
            w.put(name, floats(e.getValue()));
            m.put(name, floats(first.get(name)));
            v.put(name, floats(second.get(name)));
        }
        return new DjlCheckpoint(fingerprint, steps, tokens, trainSeconds, trainingFlops, pendingLoss, pendingSteps,
                List.copyOf(curve), shapes, w, m, v);
    }

    private static float[] floats(NDArray a) {
        if (a.getDataType() == ai.djl.ndarray.types.DataType.FLOAT32) {
            return a.toFloatArray();
        }
        try (NDArray f = a.toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
            return f.toFloatArray();
        }
    }

    void write(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(fingerprint);
            out.writeLong(steps);
            out.writeLong(tokens);
            out.writeDouble(trainSeconds);
            out.writeDouble(trainingFlops);
            out.writeDouble(pendingLoss);
            out.writeLong(pendingSteps);
            out.writeInt(curve.size());
            for (CurvePoint p : curve) {
                out.writeLong(p.step());
                out.writeLong(p.tokens());
                out.writeDouble(p.seconds());
                out.writeDouble(p.trainLoss());
                out.writeDouble(p.validLoss());
            }
            out.writeInt(weights.size());
            for (Map.Entry<String, float[]> e : weights.entrySet()) {
                String name = e.getKey();
                out.writeUTF(name);
                long[] shape = shapes.get(name);
                out.writeInt(shape.length);
                for (long dim : shape) {
                    out.writeLong(dim);
                }
                writeFloats(out, e.getValue());
                writeFloats(out, first.get(name));
                writeFloats(out, second.get(name));
            }
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    static DjlCheckpoint read(Path path) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("checkpoint " + path + " is not a Sublayer checkpoint");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("checkpoint " + path + " has version " + version + ", expected " + VERSION);
            }
            String fingerprint = in.readUTF();
            long steps = in.readLong();
            long tokens = in.readLong();
            double seconds = in.readDouble();
            double flops = in.readDouble();
            double pendingLoss = in.readDouble();
            long pendingSteps = in.readLong();
            int points = in.readInt();
            List<CurvePoint> curve = new ArrayList<>(points);
            for (int i = 0; i < points; i++) {
                curve.add(new CurvePoint(in.readLong(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble()));
            }
            int n = in.readInt();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, float[]> w = new LinkedHashMap<>();
            Map<String, float[]> m = new LinkedHashMap<>();
            Map<String, float[]> v = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                long[] shape = new long[in.readInt()];
                long length = 1;
                for (int k = 0; k < shape.length; k++) {
                    shape[k] = in.readLong();
                    length *= shape[k];
                }
                shapes.put(name, shape);
                w.put(name, readFloats(in, length));
                m.put(name, readFloats(in, length));
                v.put(name, readFloats(in, length));
            }
            return new DjlCheckpoint(fingerprint, steps, tokens, seconds, flops, pendingLoss, pendingSteps, curve, shapes,
                    w, m, v);
        }
    }

    private static float[] readFloats(DataInputStream in, long length) throws IOException {
        float[] values = new float[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return values;
    }
}
