package dev.sublayer.search;

import dev.sublayer.evaluator.CheckpointHeader;
import dev.sublayer.evaluator.TrialIdentity;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialKeyUpgrade;
import dev.sublayer.storage.TrialRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Brings a study written with older trial keys to the current {@link TrialIdentity#KEY_VERSION} before a session
 * writes to it, so that a study resumed by a newer Sublayer finds every trial it already trained and retrains
 * nothing. Commands that only read a study (report, export, study info) never call this: they read any version.
 *
 * <p>From {@code sublayer-trial-key-v1} (stores that record no version): every trial's new key is computed from
 * what the trial record holds (architecture, budget, seed) and what the study's stored configuration fixes
 * (engine, training, data), exactly as the search computes keys ({@link StudyContext#key(TrialRequest)}).
 * Checkpoints ({@code checkpoints/<key>.ckpt}) are carried over to their new names with their fingerprint
 * rewritten to the current form, after checking that their old fingerprint is the one {@code v1} wrote for that
 * trial ({@link LegacyTrialKeys}); so a promoted trial continues from its lower rung's checkpoint after the
 * upgrade. A checkpoint whose fingerprint is not its trial's is left where it is, and the upgrade says so. The
 * store itself is rewritten by {@link TrialKeyUpgrade}: a backup copy first, then an atomic replacement, and a
 * {@code trial_keys_upgraded} event. New checkpoint files are written before the store is replaced and old ones
 * deleted after, so a crash at any moment leaves a store whose keys name usable checkpoints.
 *
 * <p>A store with a key version this Sublayer does not know (written by a newer one) is refused.
 */
public final class TrialKeyMigration {

    private static final Logger LOG = LogManager.getLogger(TrialKeyMigration.class);

    private TrialKeyMigration() {
    }

    /** A checkpoint carried to its new name. */
    private record Carried(Path from, Path to) {
    }

    /**
     * Upgrades the trial keys of the closed study in {@code studyDir} when they are older than
     * {@link TrialIdentity#KEY_VERSION}; does nothing when they are current.
     *
     * @return what the upgrade did; empty when nothing needed doing
     * @throws StoreException if the study cannot be read or written, or its keys are of an unknown version
     */
    public static Optional<TrialKeyUpgrade.Result> upgradeIfNeeded(Path studyDir) {
        Path dir = studyDir.toAbsolutePath().normalize();
        String version;
        StudyContext context;
        List<TrialRecord> trials;
        try (StudyStore store = StudyStore.openReadOnly(dir)) {
            version = store.trialKeyVersion();
            if (version.equals(TrialIdentity.KEY_VERSION)) {
                return Optional.empty();
            }
            if (!version.equals(LegacyTrialKeys.VERSION)) {
                throw new StoreException("study " + dir + " stores trial keys of version '" + version + "', which "
                        + "this Sublayer (trial keys " + TrialIdentity.KEY_VERSION + ") cannot upgrade: open it with "
                        + "the Sublayer that wrote it or a newer one");
            }
            StudyConfig config;
            try {
                config = StoredConfig.of(store.info());
            } catch (ConfigException e) {
                throw new StoreException("cannot upgrade the trial keys of study " + dir + ": its stored config "
                        + "cannot be read: " + e.getMessage(), e);
            }
            context = new StudyContext(config, dir);
            trials = store.trials();
        }
        StudyConfig config = context.config();
        String engine = config.training().engine();
        Map<String, String> newKeys = new LinkedHashMap<>();
        List<Carried> carried = new ArrayList<>();
        int notCarried = 0;
        try {
            for (TrialRecord t : trials) {
                Architecture a;
                try {
                    a = Notation.parse(t.architecture());
                } catch (IllegalArgumentException e) {
                    throw new StoreException("cannot upgrade the trial keys of study " + dir + ": trial " + t.key()
                            + " has an unreadable architecture '" + t.architecture() + "': " + e.getMessage(), e);
                }
                TrialRequest request = new TrialRequest(a, config.data(), config.training().config(), t.budget(),
                        t.seed(), config.constraints());
                String key = context.key(request);
                newKeys.put(t.key(), key);
                Path old = context.checkpoint(t.key());
                if (key.equals(t.key()) || !Files.isRegularFile(old)) {
                    continue;
                }
                String expected = LegacyTrialKeys.checkpointFingerprint(engine, a, config.data(),
                        config.training().config(), t.seed());
                String found;
                try {
                    found = CheckpointHeader.fingerprintOf(old);
                } catch (IOException e) {
                    found = "unreadable (" + e.getMessage() + ")";
                }
                if (!found.equals(expected)) {
                    notCarried++;
                    LOG.warn("study {}: checkpoint {} is not carried over: its fingerprint is {}, expected {}", dir,
                            old, found, expected);
                    continue;
                }
                Path renamed = context.checkpoint(key);
                try {
                    CheckpointHeader.copyWithFingerprint(old, renamed,
                            TrialIdentity.checkpointFingerprint(engine, request));
                } catch (IOException e) {
                    throw new StoreException("cannot upgrade the trial keys of study " + dir + ": cannot write "
                            + renamed + ": " + e.getMessage(), e);
                }
                carried.add(new Carried(old, renamed));
            }
        } catch (RuntimeException e) {
            carried.forEach(c -> deleteQuietly(c.to()));
            throw e;
        }
        String detail = carried.size() + " checkpoint" + (carried.size() == 1 ? "" : "s") + " carried over"
                + (notCarried > 0 ? " (" + notCarried + " not: fingerprint is not its trial's)" : "");
        TrialKeyUpgrade.Result result;
        try {
            result = TrialKeyUpgrade.rekey(dir, version, TrialIdentity.KEY_VERSION, newKeys, detail);
        } catch (RuntimeException e) {
            carried.forEach(c -> deleteQuietly(c.to()));
            throw e;
        }
        carried.forEach(c -> deleteQuietly(c.from()));
        LOG.warn("study {}: {}", dir, result.message());
        return Optional.of(result);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", p, e.getMessage());
        }
    }
}
