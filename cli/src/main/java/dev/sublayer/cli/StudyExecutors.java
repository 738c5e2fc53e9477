package dev.sublayer.cli;

import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.worker.WorkerMain;
import dev.sublayer.search.Search;
import dev.sublayer.search.StudyContext;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.exec.DefaultExecutors;
import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.spark.SparkExecutors;

/**
 * The search's executors wired to the evaluator this command ships: its engines for in-process workers and
 * {@link WorkerMain} for worker JVMs (the search itself depends only on the evaluator's API), on this machine or,
 * with {@code workers.backend: spark}, on a Spark cluster.
 */
final class StudyExecutors {

    /** The local executors: worker processes (or threads) of this machine. */
    private static final DefaultExecutors LOCAL = DefaultExecutors.of(Engines::create, WorkerMain.class.getName());

    /** The Spark executors: one Spark task per trial, running {@link WorkerMain} on an executor. */
    private static final SparkExecutors SPARK = SparkExecutors.of(WorkerMain.class.getName());

    /** What {@code search} and {@code resume} run their trials on, as the study's {@code workers.backend} asks. */
    static final Search.ExecutorFactory DEFAULT = new Search.ExecutorFactory() {
        @Override
        public TrialExecutor create(StudyContext context) {
            return context.config().workers().backend() == StudyConfig.Backend.SPARK ? SPARK.create(context)
                    : LOCAL.create(context);
        }

        @Override
        public void check(StudyConfig config) {
            if (config.workers().backend() == StudyConfig.Backend.LOCAL) {
                LOCAL.check(config);
            }
        }
    };

    private StudyExecutors() {
    }
}
