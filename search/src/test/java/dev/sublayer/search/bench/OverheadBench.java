package dev.sublayer.search.bench;

import dev.sublayer.search.Search;
import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.exec.StubWorkerMain;
import dev.sublayer.search.exec.WorkerPoolExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Framework overhead of the search: a study whose trials are stub worker JVMs that sleep a fixed time per trial
 * (no training), run with real worker processes, the real store (fsync per commit) and the real strategy loop.
 * Everything beyond the sleeping is overhead: scheduling, the worker protocol, store commits, selection,
 * hypervolume, front.json. Generation 0 is excluded (it includes starting the worker JVMs).
 *
 * <pre>bench/search/run.sh overhead [trial-seconds=1] [generations=8] [workers=1,2,8]</pre>
 *
 * <p>Random search over a large space keeps every generation at exactly {@code 4 x workers} new trials (no
 * cached duplicates), so the ideal time of a generation is {@code 4 x trial-seconds}.
 */
public final class OverheadBench {

    private OverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        double trialSeconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int generations = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        List<Integer> workerCounts = args.length > 2
                ? java.util.Arrays.stream(args[2].split(",")).map(Integer::parseInt).toList() : List.of(1, 2, 8);
        Path scratch = Files.createTempDirectory("sublayer-overhead");
        System.out.printf(Locale.ROOT, "framework overhead, stub trials of %.2f s, %d timed generations, %d cores%n",
                trialSeconds, generations, Runtime.getRuntime().availableProcessors());
        System.out.println("| workers | trials timed | wall s | ideal s | overhead | per trial (ms) | between generations (ms) |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int w : workerCounts) {
            int perGeneration = 4 * w;
            String yaml = """
                    name: overhead
                    seed: 3
                    search_space:
                      depth: {min: 2, max: 16}
                      ffn_widths: [64, 96, 128, 160, 192, 224, 256, 320, 384, 448, 512]
                      heads: [1, 2, 4, 8]
                      d_model: [64]
                      context: 16
                    data: {batch_size: 1, validation_batches: 1}
                    fidelity: {rungs: [{max_steps: 100}]}
                    search: {strategy: random, population: %d}
                    budget: {max_generations: %d}
                    reevaluation: {seeds: 0}
                    workers: {count: %d, threads: 1, trial_timeout_seconds: 600}
                    """.formatted(perGeneration, generations + 1, w);
            double millisPerStep = trialSeconds * 1000 / 100;
            Path dir = scratch.resolve("w" + w);
            Search.ExecutorFactory executors = context -> {
                WorkerPoolExecutor pool = new WorkerPoolExecutor(w, WorkerPoolExecutor.javaWorker(
                        StubWorkerMain.class.getName(), List.of(Double.toString(millisPerStep)), "96m", 1,
                        Optional.of(dir.resolve("logs"))));
                pool.prestart();
                return pool;
            };
            BenchStudies.Recorder rec = new BenchStudies.Recorder();
            SearchOutcome o = BenchStudies.open(BenchStudies.parse(yaml), dir, executors).run(rec);
            if (o.state() != SearchOutcome.State.FINISHED) {
                throw new IllegalStateException("bench study did not finish: " + o.reason());
            }
            long t0 = rec.gens.get(1).startNanos();
            long t1 = rec.gens.getLast().endNanos();
            int trials = 0;
            double ideal = 0;
            for (BenchStudies.Gen g : rec.gens.subList(1, rec.gens.size())) {
                trials += g.trained();
                ideal += Math.ceil((double) g.trained() / w) * trialSeconds;
            }
            double wall = (t1 - t0) / 1e9;
            double overhead = (wall - ideal) / ideal;
            double gap = rec.gaps.stream().skip(1).mapToLong(Long::longValue).average().orElse(Double.NaN) / 1e6;
            System.out.printf(Locale.ROOT, "| %d | %d | %.2f | %.2f | %.2f%% | %.1f | %.1f |%n", w, trials, wall, ideal,
                    100 * overhead, (wall - ideal) * 1000 * w / trials, gap);
        }
    }
}
