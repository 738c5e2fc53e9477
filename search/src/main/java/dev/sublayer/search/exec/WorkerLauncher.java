package dev.sublayer.search.exec;

import dev.sublayer.evaluator.worker.WorkerMain;

/**
 * The entry point of the search's worker JVMs: the evaluator's {@link WorkerMain} (same arguments, same
 * protocol) behind a {@link ParentWatchdog}, so a worker whose search was killed (SIGKILL, OOM killer) exits at
 * once instead of finishing a trial nobody will read.
 */
public final class WorkerLauncher {

    private WorkerLauncher() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatchdog.start();
        WorkerMain.main(args);
    }
}
