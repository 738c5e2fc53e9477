package dev.sublayer.search;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.space.Architecture;
import dev.sublayer.trial.Budget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Trial keys and trial seeds.
 *
 * <p>A trial key identifies one training run by everything that determines its result: the architecture's
 * canonical text, the fidelity budget, the engine, the training and data configuration and the seed. Two
 * trials with the same key would train identically, so a key that has a result is never trained again,
 * within a generation, across generations and across resumes.
 */
public final class TrialKeys {

    /** Bumped when the key material changes, so old and new keys never collide. */
    static final String VERSION = "sublayer-trial-key-v1";

    private TrialKeys() {
    }

    /** The key of training {@code architecture} under {@code budget} with the given configuration and seed. */
    public static String key(Architecture architecture, Budget budget, String engine, TrainingConfig training,
                             DataConfig data, long seed) {
        String material = VERSION + '\n' + architecture.canonical() + '\n' + budget + '\n' + engine + '\n' + training
                + '\n' + data + '\n' + seed;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The training seed of replicate {@code replicate} of a study (0 for the search itself, 1.. for the
     * re-evaluation of the front). Every candidate shares the replicate's seed, so candidates see the same
     * initialisation stream and batch order and differ only by architecture.
     */
    public static long trialSeed(long studySeed, int replicate) {
        return Seeds.mix(studySeed, 0x7E57L + replicate);
    }
}
