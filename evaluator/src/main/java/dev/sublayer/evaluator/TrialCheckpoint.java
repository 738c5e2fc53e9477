package dev.sublayer.evaluator;

import dev.sublayer.trial.CurvePoint;

import dev.sublayer.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The complete state of a stopped training run, whatever the engine: weights, AdamW moments, counters, the
 * learning curve so far and the partial loss window, so that continuing it equals never having stopped.
 * Batches need no saved state: they are a function of (seed, step).
 *
 * <p>File format (big-endian, version {@value CheckpointHeader#VERSION}): the {@link CheckpointHeader} (magic
 * {@code SLCK}, version, the trial fingerprint), the counters, the curve, then per parameter its name, rank,
 * shape and the float32 values of weight, first and second moment. Written to a temporary file and moved into
 * place, so a crash never leaves half a file. The fingerprint is {@link TrialIdentity#checkpointFingerprint}: it
 * names the key version and the engine, so one engine refuses the other's checkpoints (the engines agree within
 * float32 rounding, not bit for bit, and a continued trial must equal its straight-through run exactly), and a
 * migration of trial keys can rewrite the fingerprints of the checkpoints it carries over
 * ({@link CheckpointHeader#copyWithFingerprint}).
 *
 * @param fingerprint   what the run was (key version, engine, architecture, data, training config, seed); must
 *                      match on resume
 * @param steps         optimizer steps done
 * @param tokens        training tokens seen
 * @param trainSeconds  training wall seconds spent
 * @param trainingFlops training FLOPs spent
 * @param pendingLoss   sum of training losses since the last curve point
 * @param pendingSteps  steps since the last curve point
 * @param curve         the learning curve points at regular intervals
 * @param state         the weights and optimizer moments
 */
public record TrialCheckpoint(String fingerprint, long steps, long tokens, double trainSeconds, double trainingFlops,
                              double pendingLoss, long pendingSteps, List<CurvePoint> curve, Trainer.State state) {

    public TrialCheckpoint {
        curve = List.copyOf(curve);
    }

    /** Writes the checkpoint atomically (temporary file, then a move). */
    public void write(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // AtomicFiles removes the temporary file when writing fails (a full disk, a killed write), so no
        // half-written checkpoint or temporary file is ever left under a name a resume would read.
        AtomicFiles.write(path, stream -> {
            DataOutputStream out = new DataOutputStream(stream);
            CheckpointHeader.write(out, fingerprint);
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
            out.writeInt(state.shapes().size());
            for (Map.Entry<String, long[]> e : state.shapes().entrySet()) {
                String name = e.getKey();
                out.writeUTF(name);
                out.writeInt(e.getValue().length);
                for (long dim : e.getValue()) {
                    out.writeLong(dim);
                }
                writeFloats(out, state.weights().get(name));
                writeFloats(out, state.first().get(name));
                writeFloats(out, state.second().get(name));
            }
            out.flush();
        });
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    /** Reads a checkpoint written by {@link #write}. */
    public static TrialCheckpoint read(Path path) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path), 1 << 16))) {
            String fingerprint = CheckpointHeader.read(in, path);
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
            return new TrialCheckpoint(fingerprint, steps, tokens, seconds, flops, pendingLoss, pendingSteps, curve,
                    new Trainer.State(shapes, w, m, v));
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
