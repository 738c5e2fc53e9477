package dev.sublayer.search;

import dev.sublayer.evaluator.CorpusCheck;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.config.StudyCorpus;
import dev.sublayer.storage.StudyInfo;
import tools.jackson.databind.JsonNode;

/**
 * The config a study was last run with, as everything that continues or reads a study must see it: the config
 * text as the user gave it, read with the strict reader, with a relative corpus path replaced by the absolute path
 * the study resolved it to when it was created ({@link StudyCorpus#resolve}; kept in the resolved config). Its
 * trial keys name that absolute path, so every reader must use it.
 */
public final class StoredConfig {

    private StoredConfig() {
    }

    /**
     * The config of the study described by {@code info}.
     *
     * @throws ConfigException naming the path and rule when the stored text cannot be read
     */
    public static StudyConfig of(StudyInfo info) {
        StudyConfig config = StudyConfigReader.read(info.configAsGiven());
        if (CorpusCheck.isRelativeFile(config.data().corpus()) && !info.configResolved().isBlank()) {
            JsonNode corpus = StudyConfigReader.parse(info.configResolved()).at(StudyCorpus.PATH);
            if (corpus.isString() && !CorpusCheck.isRelativeFile(corpus.stringValue())) {
                config = config.withData(config.data().withCorpus(corpus.stringValue()));
            }
        }
        return config;
    }
}
