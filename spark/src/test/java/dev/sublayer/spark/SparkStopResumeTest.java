package dev.sublayer.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.TrialProgress;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.exec.StubWorkerMain;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.testing.SlowTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study on the Spark backend stopped mid-generation (what Ctrl-C or SIGTERM of the driver asks) cancels its
 * Spark jobs, stays resumable, and resumed ends with exactly the trials and front of a run straight through.
 */
@SlowTest
class SparkStopResumeTest {

    @TempDir
    Path tmp;

    private static final String YAML = SparkStudyTest.STUDY + """
            workers:
              count: 2
              threads: 1
              heap: 128m
              backend: spark
              spark:
                master: local[2]
                conf: {spark.ui.enabled: false, spark.driver.host: 127.0.0.1, spark.driver.bindAddress: 127.0.0.1}
            """;

    @Test
    void aStoppedSparkStudyResumesToTheFrontOfARunStraightThrough() throws Exception {
        SearchOutcome straight = Search.open(StudyConfigReader.read(YAML), YAML, tmp.resolve("straight"), "test",
                SparkExecutors.of(StubWorkerMain.class.getName())).run(SearchListener.NONE);
        assertThat(straight.state()).isEqualTo(SearchOutcome.State.FINISHED);

        Path dir = tmp.resolve("stopped");
        Search first = Search.open(StudyConfigReader.read(YAML), YAML, dir, "test",
                SparkExecutors.of(StubWorkerMain.class.getName()));
        SearchOutcome stopped = first.run(new SearchListener() {
            @Override
            public void trialFinished(TrialProgress progress, StudyStorage store) {
                if (progress.trainedCandidates() >= 2) {
                    first.requestStop("terminated by SIGTERM");
                }
            }
        });
        assertThat(stopped.state()).isEqualTo(SearchOutcome.State.STOPPED);
        assertThat(stopped.reason()).isEqualTo("terminated by SIGTERM");
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.info().status()).isEqualTo("interrupted");
            assertThat(s.trialCount()).isLessThan(SparkStudyTest.trials(tmp.resolve("straight")).size());
        }

        SearchOutcome resumed = Search.resume(dir, UnaryOperator.identity(),
                SparkExecutors.of(StubWorkerMain.class.getName())).run(SearchListener.NONE);
        assertThat(resumed.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(resumed.front()).isEqualTo(straight.front());
        assertThat(resumed.reevaluation()).isEqualTo(straight.reevaluation());
        Map<String, String> after = new TreeMap<>(SparkStudyTest.trials(dir));
        // Trials cut off by the stop are stored interrupted and trained again on resume: the finished ones match.
        after.values().removeIf(v -> v.startsWith("INTERRUPTED"));
        assertThat(after).isEqualTo(SparkStudyTest.trials(tmp.resolve("straight")));
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            List<String> keys = s.trials().stream().map(TrialRecord::key).toList();
            assertThat(keys).doesNotHaveDuplicates();
        }
    }
}
