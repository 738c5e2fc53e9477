package dev.sublayer.search;

import dev.sublayer.evaluator.TrialIdentity;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigWriter;
import dev.sublayer.search.config.StudyCorpus;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.storage.StoreException;
import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.trial.StudyStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * How a search session gets its study: a new study is created, an existing one continued only with the search
 * settings it was created with (the first setting that differs is named, with both values), and a study whose
 * trial keys are older than {@link TrialIdentity#KEY_VERSION} is upgraded first ({@link TrialKeyMigration}).
 * The public entry points are {@link Search#open}, {@link Search#resume} and {@link Search#on}.
 */
final class StudyOpening {

    /** The sections of a config that may change between sessions; everything else is the study's identity. */
    private static final List<String> CHANGEABLE = List.of("description", "budget", "workers", "reevaluation",
            "report");

    private StudyOpening() {
    }

    /**
     * {@link Search#open}: creates the study in {@code directory}, or continues it with the same search settings.
     * Everything that can refuse (the corpus, a changed setting, a directory that cannot be written) is checked
     * on a read-only view first: a refused open leaves the store byte for byte as it was.
     */
    static Search open(StudyConfig config, String configText, Path directory, String command,
                       Search.ExecutorFactory executors) {
        Path dir = directory.toAbsolutePath().normalize();
        StudyCorpus.check(config);
        String resolved = StudyConfigWriter.resolvedYaml(config);
        if (!Files.exists(StudyStore.studyFile(dir))) {
            StudyInfo info = new StudyInfo(config.name(), config.description(), config.seed(), configText, resolved,
                    StudyStatus.CREATED.configName(), Instant.now(), null, command,
                    Provenances.local(config.training().engine()));
            StudyStore store = StudyStore.create(dir, info, TrialIdentity.KEY_VERSION);
            return new Search(new StudyContext(config, dir), store, executors, false);
        }
        StudyConfig stored = StoredConfig.of(readInfo(dir));
        String difference = firstDifference(stored, config);
        if (difference != null) {
            throw ConfigException.at(difference.substring(0, difference.indexOf(' ')),
                    "differs from the study in " + dir + difference.substring(difference.indexOf(' '))
                            + "; a study's search settings are fixed (only budget, workers, reevaluation and "
                            + "report may change): restore the config or pass --dir for a new study");
        }
        StudyStore store = openForSession(dir);
        try {
            StudyInfo info = store.info();
            if (!info.configAsGiven().equals(configText)) {
                store.updateInfo(new StudyInfo(info.name(), config.description(), info.seed(), configText, resolved,
                        info.status(), info.created(), info.finished(), info.command(), info.provenance()));
            }
            return new Search(new StudyContext(config, dir), store, executors, true);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** {@link Search#on}: a session over a storage the caller opened; nothing is compared. */
    static Search on(StudyConfig config, StudyStorage store, Search.ExecutorFactory executors) {
        return new Search(new StudyContext(config, store.directory()), store, executors, store.trialCount() > 0);
    }

    /**
     * {@link Search#resume}: the study in {@code directory} with the config it was last run with. As for
     * {@link #open}, every check comes before the first write.
     */
    static Search resume(Path directory, UnaryOperator<StudyConfig.Workers> workers,
                         Search.ExecutorFactory executors) {
        Path dir = directory.toAbsolutePath().normalize();
        StudyConfig config = StoredConfig.of(readInfo(dir));
        config = config.withWorkers(workers.apply(config.workers()));
        StudyCorpus.check(config);
        StudyStore store = openForSession(dir);
        return new Search(new StudyContext(config, dir), store, executors, true);
    }

    /** The info of the closed study in {@code dir}, read without writing. */
    private static StudyInfo readInfo(Path dir) {
        try (StudyStore store = StudyStore.openReadOnly(dir)) {
            return store.info();
        }
    }

    /**
     * Opens the study in {@code dir} for a session's writes, after checking that the session can write its files
     * there ({@code front.json}, the report, logs, checkpoints): upgrades old trial keys, then opens the store.
     */
    private static StudyStore openForSession(Path dir) {
        for (Path p : List.of(dir, dir.resolve("checkpoints"), dir.resolve("logs"))) {
            if (Files.isDirectory(p) && !Files.isWritable(p)) {
                throw new StoreException("cannot continue study " + dir + ": " + p + " is not writable (a search "
                        + "writes front.json, the report, logs and checkpoints there); reports and exports can "
                        + "still read it");
            }
        }
        TrialKeyMigration.upgradeIfNeeded(dir);
        return StudyStore.openForWriting(dir);
    }

    /** The first path where two configs differ in a search setting, with both values; null if none. */
    static String firstDifference(StudyConfig stored, StudyConfig given) {
        JsonNode a = comparable(stored);
        JsonNode b = comparable(given);
        return diff(a, b, "");
    }

    private static JsonNode comparable(StudyConfig c) {
        var n = StudyConfigWriter.toNode(c);
        for (String k : CHANGEABLE) {
            n.remove(k);
        }
        return n;
    }

    private static String diff(JsonNode a, JsonNode b, String path) {
        if (a.equals(b)) {
            return null;
        }
        if (a.isObject() && b.isObject()) {
            for (String k : a.propertyNames()) {
                String d = diff(a.get(k), b.has(k) ? b.get(k) : MissingNode.getInstance(), path + "/" + k);
                if (d != null) {
                    return d;
                }
            }
            for (String k : b.propertyNames()) {
                if (!a.has(k)) {
                    return path + "/" + k + " (study: unset, given: " + b.get(k) + ")";
                }
            }
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = diff(a.get(i), b.get(i), path + "/" + i);
                if (d != null) {
                    return d;
                }
            }
        }
        return (path.isEmpty() ? "/" : path) + " (study: " + a + ", given: " + b + ")";
    }
}
