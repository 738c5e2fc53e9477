package dev.sublayer.search.config;

import dev.sublayer.evaluator.CorpusCheck;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A study's corpus, checked before a study is created or continued, so that a corpus no trial could read is
 * refused (with the path {@code /data/corpus} and the rule, {@link CorpusCheck}) before anything is written or
 * trained. A relative {@code file:} path in a config file is read from the config file's folder, not from
 * wherever the command runs: {@link #resolve} makes it absolute, and the study stores and trains on that
 * absolute path.
 */
public final class StudyCorpus {

    /** The path of the corpus in a config, for error messages. */
    public static final String PATH = "/data/corpus";

    private StudyCorpus() {
    }

    /**
     * {@code config} with a relative {@code file:} corpus resolved against {@code configFolder}, checked.
     *
     * @throws ConfigException at {@value #PATH} when the corpus cannot feed the space's context
     */
    public static StudyConfig resolve(StudyConfig config, Path configFolder) {
        String corpus = config.data().corpus();
        String resolved = CorpusCheck.resolve(corpus, configFolder);
        StudyConfig out = resolved.equals(corpus) ? config : config.withData(config.data().withCorpus(resolved));
        Optional<String> problem = problem(out);
        if (problem.isPresent()) {
            throw ConfigException.at(PATH, problem.get() + (resolved.equals(corpus) ? ""
                    : " (a relative path is read from the config file's folder, " + configFolder.toAbsolutePath()
                    + ")"));
        }
        return out;
    }

    /**
     * Checks the corpus of {@code config} as it stands (a relative path from the working directory).
     *
     * @throws ConfigException at {@value #PATH} when the corpus cannot feed the space's context
     */
    public static void check(StudyConfig config) {
        problem(config).ifPresent(p -> {
            throw ConfigException.at(PATH, p);
        });
    }

    private static Optional<String> problem(StudyConfig config) {
        return CorpusCheck.problem(config.data().corpus(), config.space().context());
    }
}
