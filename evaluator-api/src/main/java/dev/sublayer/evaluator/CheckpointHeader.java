package dev.sublayer.evaluator;

import dev.sublayer.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The header of a checkpoint file: the magic {@code SLCK}, the format version and the fingerprint of the training
 * run the checkpoint belongs to ({@link TrialIdentity#checkpointFingerprint}). What a caller that does not train
 * needs of a checkpoint: which run it is, and a copy under another fingerprint when a migration re-keys trials.
 * The rest of the file (counters, curve, weights and optimizer moments) is the evaluator's
 * {@code TrialCheckpoint}, which writes and reads this header through here.
 */
public final class CheckpointHeader {

    private static final int MAGIC = 0x534C434B; // "SLCK"

    /** The checkpoint format version this code writes and reads. */
    public static final int VERSION = 1;

    private CheckpointHeader() {
    }

    /** Writes magic, version and {@code fingerprint}. */
    public static void write(DataOutputStream out, String fingerprint) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(fingerprint);
    }

    /**
     * Reads magic, version and fingerprint from the start of the checkpoint at {@code path}; returns the
     * fingerprint, with {@code in} positioned just after it.
     *
     * @throws IOException naming {@code path} when it is no Sublayer checkpoint or of another version
     */
    public static String read(DataInputStream in, Path path) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("checkpoint " + path + " is not a Sublayer checkpoint");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("checkpoint " + path + " has version " + version + ", expected " + VERSION);
        }
        return in.readUTF();
    }

    /** The fingerprint of the checkpoint at {@code path}, reading only the header. */
    public static String fingerprintOf(Path path) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
            return read(in, path);
        }
    }

    /**
     * Writes a copy of the checkpoint {@code from} to {@code to} (atomically: temporary file, then a move) with
     * {@code fingerprint} in place of its own; everything after the fingerprint is copied byte for byte.
     */
    public static void copyWithFingerprint(Path from, Path to, String fingerprint) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(from), 1 << 16))) {
            read(in, from);
            AtomicFiles.write(to, stream -> {
                DataOutputStream out = new DataOutputStream(stream);
                write(out, fingerprint);
                in.transferTo(out);
                out.flush();
            });
        }
    }
}
