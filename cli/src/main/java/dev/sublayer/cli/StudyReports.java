package dev.sublayer.cli;

import dev.sublayer.reports.StudyPlan;
import dev.sublayer.reports.StudyView;
import dev.sublayer.search.StoredConfig;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.StudyResults;
import dev.sublayer.search.config.ConfigException;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.trial.Objective;
import java.time.Instant;

/**
 * What the report and {@code study info} know of a study beyond its store, taken from the search: the study's
 * config, read with the search's own strict reader from the text stored with the study (the config the search
 * ran with, {@link StoredConfig}), and the study's front, as the search stored it ({@link StudyResults#frontOf}).
 * The reports module depends on the store and the trial vocabulary only; this is where the CLI, which depends on
 * both, joins them.
 */
final class StudyReports {

    private StudyReports() {
    }

    /**
     * The context of the study in {@code store}, from its stored config.
     *
     * @throws IllegalArgumentException (bad input) naming the study and the config's problem when the stored
     *                                  config cannot be read
     */
    static StudyContext context(StudyStorage store) {
        StudyConfig config;
        try {
            config = StoredConfig.of(store.info());
        } catch (ConfigException e) {
            throw new IllegalArgumentException("study " + store.directory() + ": its stored config cannot be read: "
                    + e.getMessage(), e);
        }
        return new StudyContext(config, store.directory());
    }

    /** The report's plan of a study run with {@code config}. */
    static StudyPlan plan(StudyConfig config) {
        StudyConfig.StudyBudget b = config.budget();
        return StudyPlan.of(config.objectives().stream().map(Objective::kind).toList(), b.maxTrials(),
                b.maxGenerations(), b.maxWallHours(), b.maxTrainingFlops(), config.search().strategy());
    }

    /** A snapshot of {@code store} for a report, with the study's plan and its front. */
    static StudyView view(StudyStorage store, StudyContext context, Instant now) {
        return StudyView.of(store, plan(context.config()), StudyResults.frontOf(store, context), now);
    }
}
