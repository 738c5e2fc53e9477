package dev.sublayer.evaluator.dl4j;

import dev.sublayer.trial.CurvePoint;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
 * The complete state of a stopped training run: weights, AdamW moments, counters, the learning curve so
 * far and the partial loss window, so that continuing it equals never having stopped. Batches need no
 * saved state: they are a function of (seed, step).
 *
 * <p>File format (big-endian, version 1): magic {@code SLCK}, version, the trial fingerprint (UTF), the
 * counters, the curve, then per parameter its name, length and float32 values of weight, first and
 * second moment. Written to a temporary file and moved into place, so a crash never leaves half a file.
 *
 * @param fingerprint  what the run was (architecture, data, training config, seed); must match on resume
 * @param steps        optimizer steps done
 * @param tokens       training tokens seen
 * @param trainSeconds training wall seconds spent
 * @param trainingFlops training FLOPs spent
 * @param pendingLoss  sum of training losses since the last curve point
 * @param pendingSteps steps since the last curve point
 * @param curve        the learning curve points at regular intervals
 * @param weights      parameter values by name
 * @param first        AdamW first moments by name
 * @param second       AdamW second moments by name
 */
record Checkpoint(String fingerprint, long steps, long tokens, double trainSeconds, double trainingFlops,
                  double pendingLoss, long pendingSteps, List<CurvePoint> curve,
                  Map<String, INDArray> weights, Map<String, INDArray> first, Map<String, INDArray> second) {

    private static final int MAGIC = 0x534C434B; // "SLCK"
    private static final int VERSION = 1;

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
            for (Map.Entry<String, INDArray> e : weights.entrySet()) {
                out.writeUTF(e.getKey());
                INDArray w = e.getValue();
                out.writeInt(w.rank());
                for (long dim : w.shape()) {
                    out.writeLong(dim);
                }
                writeFloats(out, w);
                writeFloats(out, first.get(e.getKey()));
                writeFloats(out, second.get(e.getKey()));
            }
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeFloats(DataOutputStream out, INDArray a) throws IOException {
        float[] values = a.dup('c').data().asFloat();
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    static Checkpoint read(Path path) throws IOException {
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
            Map<String, INDArray> w = new LinkedHashMap<>();
            Map<String, INDArray> m = new LinkedHashMap<>();
            Map<String, INDArray> v = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                long[] shape = new long[in.readInt()];
                for (int k = 0; k < shape.length; k++) {
                    shape[k] = in.readLong();
                }
                w.put(name, readFloats(in, shape));
                m.put(name, readFloats(in, shape));
                v.put(name, readFloats(in, shape));
            }
            return new Checkpoint(fingerprint, steps, tokens, seconds, flops, pendingLoss, pendingSteps, curve, w, m, v);
        }
    }

    private static INDArray readFloats(DataInputStream in, long[] shape) throws IOException {
        long length = 1;
        for (long dim : shape) {
            length *= dim;
        }
        float[] values = new float[Math.toIntExact(length)];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readFloat();
        }
        return Nd4j.create(values, shape, 'c').castTo(DataType.FLOAT);
    }
}
