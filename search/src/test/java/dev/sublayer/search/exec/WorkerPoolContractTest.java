package dev.sublayer.search.exec;

import dev.sublayer.testing.SlowTest;
import java.util.List;
import java.util.Optional;

/** The executor contract on the local pool of worker processes. */
@SlowTest
class WorkerPoolContractTest extends TrialExecutorContract {

    @Override
    protected TrialExecutor create(String workerMainClass, double millisPerStep) {
        return new WorkerPoolExecutor(2, WorkerPoolExecutor.javaWorker(workerMainClass,
                List.of(Double.toString(millisPerStep)), "64m", 1, Optional.empty()));
    }
}
