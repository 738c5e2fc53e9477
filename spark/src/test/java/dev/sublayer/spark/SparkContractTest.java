package dev.sublayer.spark;

import dev.sublayer.search.exec.TrialExecutor;
import dev.sublayer.search.exec.TrialExecutorContract;
import dev.sublayer.testing.SlowTest;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;

/** The executor contract on Spark in {@code local[2]} mode: tasks in this JVM, each running a worker process. */
@SlowTest
class SparkContractTest extends TrialExecutorContract {

    @Override
    protected TrialExecutor create(String workerMainClass, double millisPerStep) {
        return new SparkExecutor(SparkTesting.conf("local[2]"), new TrialOnExecutor(workerMainClass,
                List.of(Double.toString(millisPerStep)), "64m", 1, Map.of(), 2, 120), 2);
    }
}
