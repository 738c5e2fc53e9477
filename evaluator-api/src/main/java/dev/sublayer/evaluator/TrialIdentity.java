package dev.sublayer.evaluator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What identifies a trial, derived from the one canonical encoding of its request ({@link TrialRequestJson}):
 * the trial key a study stores its result under, and the fingerprint a checkpoint of the run carries.
 *
 * <p><b>Trial key.</b> The first 10 bytes (20 hex digits) of SHA-256 over
 * <pre>{@value #KEY_VERSION} LF engine LF {@link TrialRequestJson#keyText keyText(request)}</pre>
 * that is the version tag, the engine's name and the canonical text of the request without its constraints.
 * Two trials with the same key train identically, so a key that has a result is never trained again. The
 * constraints are deliberately not key material: they decide before anything is built whether a candidate is
 * trained at all, and change nothing in a completed result; a study's constraints are fixed for its life (a
 * resume with other constraints is refused), so within a store a key still names one outcome.
 *
 * <p><b>Checkpoint fingerprint.</b> {@value #KEY_VERSION}, the engine's name and
 * {@link TrialRequestJson#runText runText(request)} (the canonical text without budget and constraints),
 * separated by spaces: everything that must match for a checkpoint to be continued. The budget is left out
 * because a checkpoint is continued to a larger budget; the engine is in because the engines agree within
 * float32 rounding, not bit for bit, and a continued trial must equal its straight-through run exactly.
 *
 * <p><b>Changing key material.</b> Any change to what {@link TrialRequestJson} writes, or to what is hashed
 * here, changes every key. Stores record the key version their keys use; such a change must bump
 * {@link #KEY_VERSION} and come with a migration that re-keys older stores (as
 * {@code dev.sublayer.search.TrialKeyMigration} does from {@code sublayer-trial-key-v1}). Golden tests pin
 * the keys of a few requests so that no change goes unnoticed.
 */
public final class TrialIdentity {

    /** The version of the key material; a store records it and is migrated when it differs. */
    public static final String KEY_VERSION = "sublayer-trial-key-v2";

    private TrialIdentity() {
    }

    /** The trial key of training {@code request} on the engine named {@code engine}. */
    public static String key(String engine, TrialRequest request) {
        byte[] digest = sha256(keyMaterial(engine, request));
        return HexFormat.of().formatHex(digest, 0, 10);
    }

    /** The text {@link #key} hashes. */
    public static String keyMaterial(String engine, TrialRequest request) {
        return KEY_VERSION + '\n' + checkEngine(engine) + '\n' + TrialRequestJson.keyText(request);
    }

    /** The fingerprint of a checkpoint of {@code request} written by the engine named {@code engine}. */
    public static String checkpointFingerprint(String engine, TrialRequest request) {
        return KEY_VERSION + ' ' + checkEngine(engine) + ' ' + TrialRequestJson.runText(request);
    }

    private static String checkEngine(String engine) {
        Objects.requireNonNull(engine, "engine");
        if (engine.isBlank() || engine.chars().anyMatch(c -> c == '\n' || c == ' ')) {
            throw new IllegalArgumentException("engine name must be one non-empty word, got '" + engine + "'");
        }
        return engine;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
