package dev.sublayer.search.bench;

import dev.sublayer.search.SearchOutcome;
import dev.sublayer.search.StubEngine;
import dev.sublayer.search.exec.InProcessExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strategy quality at equal compute: the quickstart study (its space, fidelity rungs and objectives) with the
 * deterministic surrogate of {@link StubEngine} instead of training, run by NSGA-II, regularized evolution and
 * random search over several seeds. Prints the normalised hypervolume after a quarter, half and all of the trial
 * budget, and how many trials NSGA-II needed to reach random search's final hypervolume (same seed).
 *
 * <pre>bench/search/run.sh strategies [trials=200] [seeds=5] [config=studies/quickstart.yaml]</pre>
 */
public final class StrategyBench {

    private StrategyBench() {
    }

    public static void main(String[] args) throws Exception {
        int trials = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path configFile = Path.of(args.length > 2 ? args[2] : "studies/quickstart.yaml");
        String base = Files.readString(configFile);
        Path scratch = Files.createTempDirectory("sublayer-strategies");
        List<String> strategies = List.of("nsga2", "regularized_evolution", "random");
        Map<String, List<List<BenchStudies.Gen>>> curves = new LinkedHashMap<>();
        for (String strategy : strategies) {
            curves.put(strategy, new ArrayList<>());
            for (int seed = 1; seed <= seeds; seed++) {
                ObjectNode c = BenchStudies.parse(base);
                c.put("seed", seed);
                ((ObjectNode) c.get("search")).put("strategy", strategy);
                c.putObject("budget").put("max_trials", trials);
                c.putObject("reevaluation").put("seeds", 0);
                c.putObject("workers").put("count", 1).put("threads", 1).put("mode", "in_process");
                BenchStudies.Recorder rec = new BenchStudies.Recorder();
                SearchOutcome o = BenchStudies.open(c, scratch.resolve(strategy + "-" + seed),
                        context -> new InProcessExecutor(1, () -> new StubEngine(0, new StubEngine.Counters())))
                        .run(rec);
                if (o.state() != SearchOutcome.State.FINISHED) {
                    throw new IllegalStateException(strategy + " seed " + seed + " did not finish: " + o.reason());
                }
                curves.get(strategy).add(rec.gens);
            }
        }
        System.out.printf(Locale.ROOT, "strategy quality on %s with the surrogate objective, %d trials, seeds 1..%d%n",
                configFile, trials, seeds);
        System.out.println("| strategy | HV @ " + trials / 4 + " trials | HV @ " + trials / 2 + " | HV @ " + trials
                + " (mean +- std) |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (String s : strategies) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", s, stat(curves.get(s), trials / 4),
                    stat(curves.get(s), trials / 2), stat(curves.get(s), trials));
        }
        System.out.println();
        System.out.println("trials NSGA-II needed to reach random search's final hypervolume (same seed):");
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < seeds; i++) {
            double target = hvAt(curves.get("random").get(i), trials);
            long needed = -1;
            for (BenchStudies.Gen g : curves.get("nsga2").get(i)) {
                if (g.hypervolume() >= target) {
                    needed = g.trainedCandidates();
                    break;
                }
            }
            long randomTrials = curves.get("random").get(i).getLast().trainedCandidates();
            double ratio = needed < 0 ? Double.NaN : (double) needed / randomTrials;
            ratios.add(ratio);
            System.out.printf(Locale.ROOT, "  seed %d: random %.4f after %d trials; NSGA-II %s%n", i + 1, target,
                    randomTrials, needed < 0 ? "never reached it" : String.format(Locale.ROOT,
                            "reached it after %d trials (%.0f%%)", needed, 100 * ratio));
        }
        double mean = ratios.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        System.out.printf(Locale.ROOT, "  mean: %.0f%% of random search's trials (target <= 50%%)%n", 100 * mean);
    }

    /** The hypervolume of a run once it had trained {@code trials} candidates (last generation at or below). */
    static double hvAt(List<BenchStudies.Gen> gens, long trials) {
        double hv = 0;
        for (BenchStudies.Gen g : gens) {
            if (g.trainedCandidates() <= trials) {
                hv = g.hypervolume();
            }
        }
        return hv;
    }

    private static String stat(List<List<BenchStudies.Gen>> runs, long trials) {
        double[] v = runs.stream().mapToDouble(r -> hvAt(r, trials)).toArray();
        double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double std = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : Double.NaN;
        return String.format(Locale.ROOT, "%.4f +- %.4f", mean, std);
    }
}
