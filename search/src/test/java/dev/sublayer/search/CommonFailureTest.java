package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.evaluator.Engine;
import dev.sublayer.evaluator.TrialListener;
import dev.sublayer.evaluator.TrialRequest;
import dev.sublayer.search.exec.InProcessExecutor;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A study whose every trial fails alike stops, non-zero, saying why, instead of spending its budget. */
class CommonFailureTest {

    @TempDir
    Path tmp;

    private static TrialRecord trial(String key, TrialStatus status, String failure) {
        return TrialRecord.running(key, "A2 F32", 0, 1, Budget.steps(10), 0, Origin.proposal("nsga2"), "", Instant.EPOCH,
                Provenances.local("stub")).finish(new TrialResult(status, TrialMetrics.none(), List.of(), failure,
                Provenances.local("stub")), Instant.EPOCH);
    }

    @Test
    void trialsFailedAlikeButForTheirNumbersShareOneFailure() {
        Optional<CommonFailure> memory = CommonFailure.of(List.of(
                trial("a", TrialStatus.REJECTED, "estimated training memory 3.10 GiB (3328599654 bytes) exceeds 2 GiB"),
                trial("b", TrialStatus.REJECTED, "estimated training memory 5.25 GiB (5637144576 bytes) exceeds 2 GiB")));
        assertThat(memory).isPresent();
        assertThat(memory.get().describe()).isEqualTo("all 2 trials were rejected for the same reason, so more would "
                + "too: estimated training memory 3.10 GiB (3328599654 bytes) exceeds 2 GiB");
        assertThat(CommonFailure.of(List.of(trial("a", TrialStatus.FAILED, "no such file /x"),
                trial("b", TrialStatus.FAILED, "no such file /x"))).get().describe())
                .isEqualTo("all 2 trials failed with the same error, so more would too: no such file /x");
    }

    @Test
    void oneTrialACompletedTrialOrDifferentFailuresAreNoPattern() {
        assertThat(CommonFailure.of(List.of(trial("a", TrialStatus.FAILED, "boom")))).isEmpty();
        assertThat(CommonFailure.of(List.of(trial("a", TrialStatus.FAILED, "boom"),
                trial("b", TrialStatus.COMPLETED, "")))).isEmpty();
        assertThat(CommonFailure.of(List.of(trial("a", TrialStatus.COMPLETED, ""),
                trial("b", TrialStatus.COMPLETED, "")))).isEmpty();
        assertThat(CommonFailure.of(List.of(trial("a", TrialStatus.FAILED, "boom"),
                trial("b", TrialStatus.FAILED, "bang")))).isEmpty();
        assertThat(CommonFailure.of(List.of(trial("a", TrialStatus.FAILED, "out of memory"),
                trial("b", TrialStatus.OUT_OF_MEMORY, "out of memory")))).isEmpty();
    }

    /** An executor factory of engines that answer every request with {@code outcome}, counting calls. */
    private static Search.ExecutorFactory engines(Function<TrialRequest, TrialResult> outcome, AtomicInteger calls) {
        return context -> new InProcessExecutor(context.config().workers().count(), () -> new Engine() {
            @Override
            public String name() {
                return "stub";
            }

            @Override
            public TrialResult train(TrialRequest request, TrialListener listener, Optional<Path> resumeFrom,
                                     Optional<Path> checkpointTo) {
                calls.incrementAndGet();
                return outcome.apply(request);
            }
        });
    }

    @Test
    void aStudyWhoseEveryTrialFailsAlikeStopsAfterItsFirstGenerationSayingWhy() throws Exception {
        String yaml = TestStudies.yaml("nsga2", 1, 24, "");
        Path dir = tmp.resolve("study");
        AtomicInteger calls = new AtomicInteger();
        String why = "corpus 'file:/data/text.txt': no such file /data/text.txt";
        SearchOutcome o;
        try (Search search = TestStudies.open(yaml, dir, engines(r -> new TrialResult(TrialStatus.FAILED,
                TrialMetrics.none(), List.of(), why, Provenances.local("stub")), calls))) {
            o = search.run(new SearchListener() { });
        }
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FAILED);
        assertThat(o.reason()).isEqualTo("all 6 trials failed with the same error, so more would too: " + why);
        assertThat(o.generations()).isEqualTo(1);
        assertThat(calls.get()).as("one generation of 6, not the budget of 24").isEqualTo(6);
        try (StudyStore s = StudyStore.openReadOnly(dir)) {
            assertThat(s.info().status()).isEqualTo("interrupted");
            assertThat(s.events().getLast().type()).isEqualTo("search_failed");
            assertThat(s.events().getLast().message()).isEqualTo(o.reason());
        }
        assertThat(Files.readString(dir.resolve(FrontJson.FILE))).contains("\"status\" : \"interrupted\"");
    }

    @Test
    void aStudyWithSomeFailuresOrDifferentOnesRunsToItsBudget() throws Exception {
        String yaml = TestStudies.yaml("nsga2", 1, 12, "");
        AtomicInteger calls = new AtomicInteger();
        SearchOutcome o;
        try (Search search = TestStudies.open(yaml, tmp.resolve("study"), engines(r -> new TrialResult(
                TrialStatus.FAILED, TrialMetrics.none(), List.of(), "failed: " + r.architecture().notation(),
                Provenances.local("stub")), calls))) {
            o = search.run(new SearchListener() { });
        }
        assertThat(o.state()).isEqualTo(SearchOutcome.State.FINISHED);
        assertThat(o.trainedCandidates()).isGreaterThanOrEqualTo(12);
    }
}
