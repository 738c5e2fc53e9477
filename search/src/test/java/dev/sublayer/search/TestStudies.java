package dev.sublayer.search;

import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.search.config.StudyConfigWriter;
import dev.sublayer.search.exec.InProcessExecutor;
import dev.sublayer.search.exec.Provenances;
import dev.sublayer.storage.InMemoryStudyStore;
import dev.sublayer.storage.StudyInfo;
import java.nio.file.Path;
import java.time.Instant;

/** Tiny study configs and in-process stub executors for tests. */
final class TestStudies {

    private TestStudies() {
    }

    /** A tiny two-rung NSGA-II study over a small space; {@code extra} is appended (YAML). */
    static String yaml(String strategy, long seed, int maxTrials, String extra) {
        return """
                name: tiny
                description: a tiny test study
                seed: %d
                search_space:
                  depth: {min: 2, max: 5}
                  kinds: [attention, ffn]
                  ffn_widths: [32, 64, 128]
                  heads: [2, 4]
                  residual: [true, false]
                  d_model: [32]
                  context: 16
                data: {corpus: europarl, batch_size: 4, validation_batches: 1}
                fidelity:
                  rungs: [{max_steps: 20}, {max_steps: 60}]
                  keep_fraction: 0.34
                search:
                  strategy: %s
                  population: 6
                  template_depths: [4]
                  regularized_evolution: {sample_size: 3, children: 3}
                budget: {max_trials: %d}
                reevaluation: {seeds: 2, max_candidates: 2}
                workers: {count: 2, threads: 1, mode: in_process}
                """.formatted(seed, strategy, maxTrials) + extra;
    }

    static StudyConfig config(String yaml) {
        return StudyConfigReader.read(yaml);
    }

    /** A factory of in-process stub executors counting into {@code counters}. */
    static Search.ExecutorFactory stub(StubEngine.Counters counters, double millisPerStep) {
        return context -> new InProcessExecutor(context.config().workers().count(),
                () -> new StubEngine(millisPerStep, counters));
    }

    static Search open(String yaml, Path dir, Search.ExecutorFactory executors) {
        return Search.open(config(yaml), yaml, dir, "test", executors);
    }

    /**
     * A new study of {@code yaml} held in memory, with the info {@link Search#open} gives a new study; the
     * search's files (front.json, checkpoints) go to {@code dir}.
     */
    static InMemoryStudyStore inMemory(String yaml, Path dir) {
        StudyConfig config = config(yaml);
        return InMemoryStudyStore.create(dir, new StudyInfo(config.name(), config.description(), config.seed(), yaml,
                StudyConfigWriter.resolvedYaml(config), "created", Instant.now(), null, "test",
                Provenances.local(config.training().engine())));
    }

    /** A session of {@code yaml}'s study on {@code store}. */
    static Search on(String yaml, InMemoryStudyStore store, Search.ExecutorFactory executors) {
        return Search.on(config(yaml), store, executors);
    }
}
