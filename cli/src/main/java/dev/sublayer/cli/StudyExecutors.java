package dev.sublayer.cli;

import dev.sublayer.evaluator.Engines;
import dev.sublayer.evaluator.worker.WorkerMain;
import dev.sublayer.search.Search;
import dev.sublayer.search.exec.DefaultExecutors;

/**
 * The search's executors wired to the evaluator this command ships: its engines for in-process workers and
 * {@link WorkerMain} for worker JVMs (the search itself depends only on the evaluator's API).
 */
final class StudyExecutors {

    /** What {@code search} and {@code resume} run their trials on. */
    static final Search.ExecutorFactory DEFAULT = DefaultExecutors.of(Engines::create, WorkerMain.class.getName());

    private StudyExecutors() {
    }
}
