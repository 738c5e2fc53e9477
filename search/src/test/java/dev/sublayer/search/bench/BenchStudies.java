package dev.sublayer.search.bench;

import dev.sublayer.search.GenerationSummary;
import dev.sublayer.search.Search;
import dev.sublayer.search.SearchListener;
import dev.sublayer.search.config.StudyConfig;
import dev.sublayer.search.config.StudyConfigReader;
import dev.sublayer.storage.StudyStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Helpers the search benchmarks share: configs built from YAML trees, and per-generation records. */
final class BenchStudies {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private BenchStudies() {
    }

    static ObjectNode parse(String yaml) {
        return (ObjectNode) StudyConfigReader.parse(yaml);
    }

    static Search open(ObjectNode config, Path dir, Search.ExecutorFactory executors) {
        String text = YAML.writeValueAsString(config);
        StudyConfig c = StudyConfigReader.read(text);
        return Search.open(c, text, dir, "bench", executors);
    }

    /** One generation as a listener saw it. */
    record Gen(int generation, long startNanos, long endNanos, int trained, long trainedCandidates,
               double hypervolume) {
    }

    /** Records generation boundaries and figures. */
    static final class Recorder implements SearchListener {
        final List<Gen> gens = new ArrayList<>();
        /** Per generation: nanoseconds from its last finished trial to the next generation's first started one. */
        final List<Long> gaps = new ArrayList<>();
        private long start;
        private long lastFinish;
        private boolean firstOfGeneration;

        @Override
        public void generationStarted(int generation, int candidates) {
            start = System.nanoTime();
            firstOfGeneration = true;
        }

        @Override
        public void trialStarted(dev.sublayer.storage.TrialRecord trial) {
            if (firstOfGeneration && lastFinish != 0) {
                gaps.add(System.nanoTime() - lastFinish);
            }
            firstOfGeneration = false;
        }

        @Override
        public void trialFinished(dev.sublayer.search.TrialProgress progress, StudyStorage store) {
            lastFinish = System.nanoTime();
        }

        @Override
        public void generationDone(GenerationSummary s, StudyStorage store) {
            gens.add(new Gen(s.generation(), start, System.nanoTime(), s.trained(), s.trainedCandidates(),
                    s.hypervolume()));
        }
    }
}
