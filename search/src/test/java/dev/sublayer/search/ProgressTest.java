package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.search.progress.SearchProgress;
import dev.sublayer.storage.InMemoryStudyStore;
import dev.sublayer.storage.StudyStorage;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress per finished trial: the trial lines off a terminal and what the listener gets. */
class ProgressTest {

    @TempDir
    Path tmp;

    private static final Pattern TRIAL_LINE = Pattern.compile("^(gen \\d+|reeval)((?:, rung \\d+ \\d+/\\d+)+): "
            + "(.+) \\(([\\w:-]+)\\) (completed \\d\\.\\d{4} bits/byte|[a-z_]+: .+) in "
            + "\\d+\\.\\d s; (\\d+)/12 candidates, best \\d\\.\\d{4} bits/byte(, ETA (.+))?$");

    @Test
    void offATerminalEveryFinishedTrialPrintsOneLine() {
        StringWriter err = new StringWriter();
        String yaml = TestStudies.yaml("nsga2", 3, 12, "");
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve("s"));
        List<TrialProgress> seen = new ArrayList<>();
        SearchProgress lines = SearchProgress.lines(new PrintWriter(err, true));
        TestStudies.on(yaml, study, TestStudies.stub(new StubEngine.Counters(), 0)).run(new SearchListener() {
            @Override
            public void trialFinished(TrialProgress progress, StudyStorage store) {
                seen.add(progress);
                lines.trialFinished(progress, store);
            }

            @Override
            public void generationDone(GenerationSummary summary, StudyStorage store) {
                lines.generationDone(summary, store);
            }
        });
        List<TrialRecord> trials;
        try (StudyStorage s = study.reopenReadOnly()) {
            trials = s.trials();
        }
        List<String> all = err.toString().lines().toList();
        List<String> trialLines = all.stream().filter(l -> l.startsWith("gen ") || l.startsWith("reeval")).toList();
        assertThat(trialLines).hasSameSizeAs(trials).hasSameSizeAs(seen);
        assertThat(all).filteredOn(l -> l.startsWith("generation ")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(err.toString()).doesNotContain("\r");

        long lastCandidates = 0;
        for (int i = 0; i < trialLines.size(); i++) {
            String line = trialLines.get(i);
            Matcher m = TRIAL_LINE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            TrialProgress p = seen.get(i);
            assertThat(line).isEqualTo(SearchProgress.trialLine(p));
            assertThat(m.group(3)).isEqualTo(dev.sublayer.space.Notation.parse(p.trial().architecture()).notation());
            assertThat(m.group(4)).isEqualTo(p.trial().origin().text());
            long candidates = Long.parseLong(m.group(6));
            assertThat(candidates).isGreaterThanOrEqualTo(lastCandidates);
            lastCandidates = candidates;
            // Every rung's count: done <= planned, and the trial's own rung counted.
            for (TrialProgress.RungCount r : p.rungs()) {
                assertThat(r.done()).isBetween(0, r.planned());
            }
            assertThat(p.rungs()).anySatisfy(r -> assertThat(r.rung()).isEqualTo(p.trial().rung()));
            assertThat(p.trial().status()).isNotEqualTo(TrialStatus.RUNNING);
            assertThat(p.etaSeconds()).as("ETA after a trial ended").isNotNaN().isGreaterThanOrEqualTo(0);
        }
        // Generations reach the second rung (promotions), and the re-evaluation has its own lines.
        assertThat(trialLines).anySatisfy(l -> assertThat(l).startsWith("gen 0, rung 0 6/6, rung 1 1/3"));
        assertThat(trialLines).anySatisfy(l -> assertThat(l).startsWith("reeval, rung 1 1/"));
        assertThat(seen.getLast().reevaluation()).isTrue();
        assertThat(trialLines.getLast()).endsWith(", ETA 0 s");
        // Within a generation's first rung, the done count goes up by one per line.
        List<Integer> firstRung = seen.stream().filter(p -> p.generation() == 0 && p.trial().rung() == 0)
                .map(p -> p.rungs().getFirst().done()).toList();
        assertThat(firstRung).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void theFixedStrategysEtaCountsItsReplicateSeedsAndReachesZeroAtTheEnd() {
        String yaml = """
                name: fixed
                seed: 3
                search_space: {depth: {min: 2, max: 4}, ffn_widths: [32, 64], heads: [2], residual: [true],
                               d_model: [32], context: 16}
                data: {corpus: europarl, batch_size: 4, validation_batches: 1}
                fidelity: {rungs: [{max_steps: 20}]}
                search:
                  strategy: fixed
                  seeds: 2
                  layouts:
                    - {label: a, architecture: "A2 F32"}
                    - {label: b, architecture: "A2 F64"}
                    - {label: c, architecture: "F32 A2 F32"}
                budget: {max_trials: 50}
                reevaluation: {seeds: 0}
                workers: {count: 1, threads: 1, mode: in_process}
                """;
        InMemoryStudyStore study = TestStudies.inMemory(yaml, tmp.resolve("f"));
        List<TrialProgress> seen = new ArrayList<>();
        TestStudies.on(yaml, study, TestStudies.stub(new StubEngine.Counters(), 5)).run(new SearchListener() {
            @Override
            public void trialFinished(TrialProgress progress, StudyStorage store) {
                seen.add(progress);
            }
        });
        // Three layouts in generation 0, then one more seed of each in the re-evaluation.
        assertThat(seen).hasSize(6);
        assertThat(seen).extracting(p -> SearchProgress.trialLine(p).replaceAll(":.*", ""))
                .containsExactly("gen 0, rung 0 1/3", "gen 0, rung 0 2/3", "gen 0, rung 0 3/3", "reeval, rung 0 1/3",
                        "reeval, rung 0 2/3", "reeval, rung 0 3/3");
        assertThat(seen).extracting(p -> p.trial().origin().text()).containsOnly("layout:a", "layout:b", "layout:c");
        // After generation 0's last trial the three replicate seeds are still to come, and the estimate says so.
        assertThat(seen.get(2).etaSeconds()).isPositive();
        assertThat(seen.get(4).etaSeconds()).isPositive();
        assertThat(seen.getLast().etaSeconds()).isZero();
    }
}
