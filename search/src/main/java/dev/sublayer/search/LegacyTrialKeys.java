package dev.sublayer.search;

import dev.sublayer.evaluator.DataConfig;
import dev.sublayer.evaluator.TrainingConfig;
import dev.sublayer.space.Architecture;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.trial.Budget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The trial key material of {@code sublayer-trial-key-v1} (Sublayer 0.1.0), frozen for the migration of its
 * stores ({@link TrialKeyMigration}): the key and the checkpoint fingerprint exactly as 0.1.0 computed them.
 *
 * <p>0.1.0 wrote the configs into its key material through their record {@code toString()}. Those methods now
 * change whenever a field is added, so the text is reproduced here literally, field by field, for the fields
 * 0.1.0 had ({@code Budget[maxSteps=8, maxTokens=9223372036854775807, maxSeconds=Infinity, ...]}): never call a
 * {@code toString()} here, and never change this class; it must keep reproducing the keys and fingerprints
 * already on users' disks (a test checks it against a study written by 0.1.0).
 */
public final class LegacyTrialKeys {

    /** The key version this class reproduces. */
    public static final String VERSION = StudyStore.LEGACY_TRIAL_KEY_VERSION;

    private LegacyTrialKeys() {
    }

    /** The v1 key of training {@code architecture} under {@code budget} with this configuration and seed. */
    public static String key(Architecture architecture, Budget budget, String engine, TrainingConfig training,
                             DataConfig data, long seed) {
        String material = "sublayer-trial-key-v1" + '\n' + architecture.canonical() + '\n' + budget(budget) + '\n'
                + engine + '\n' + training(training) + '\n' + data(data) + '\n' + seed;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The fingerprint 0.1.0 wrote into a checkpoint of this run on the engine named {@code engine}: the djl
     * engine's began with {@code "djl | "}, the dl4j engine's had no tag.
     */
    public static String checkpointFingerprint(String engine, Architecture architecture, DataConfig data,
                                               TrainingConfig training, long seed) {
        String tag = "djl".equals(engine) ? "djl | " : "";
        return tag + architecture.canonical() + " | " + data(data) + " | " + training(training) + " | seed=" + seed;
    }

    static String budget(Budget b) {
        return "Budget[maxSteps=" + b.maxSteps() + ", maxTokens=" + b.maxTokens() + ", maxSeconds="
                + Double.toString(b.maxSeconds()) + ", maxTrainingFlops=" + Double.toString(b.maxTrainingFlops()) + "]";
    }

    static String data(DataConfig d) {
        return "DataConfig[corpus=" + d.corpus() + ", batchSize=" + d.batchSize() + ", validationBatches="
                + d.validationBatches() + ", dataSeed=" + d.dataSeed() + "]";
    }

    static String training(TrainingConfig t) {
        return "TrainingConfig[learningRate=" + Double.toString(t.learningRate())
                + ", minLearningRate=" + Double.toString(t.minLearningRate())
                + ", warmupSteps=" + t.warmupSteps()
                + ", scheduleSteps=" + t.scheduleSteps()
                + ", beta1=" + Double.toString(t.beta1())
                + ", beta2=" + Double.toString(t.beta2())
                + ", epsilon=" + Double.toString(t.epsilon())
                + ", weightDecay=" + Double.toString(t.weightDecay())
                + ", gradClip=" + Double.toString(t.gradClip())
                + ", tiedHead=" + t.tiedHead()
                + ", initStd=" + Double.toString(t.initStd())
                + ", logEvery=" + t.logEvery()
                + ", validEvery=" + t.validEvery()
                + ", divergenceFactor=" + Double.toString(t.divergenceFactor())
                + ", moeAuxWeight=" + Double.toString(t.moeAuxWeight()) + "]";
    }
}
