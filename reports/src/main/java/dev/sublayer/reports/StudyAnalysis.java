package dev.sublayer.reports;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.Features;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.space.Sublayer;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The numbers a report shows, derived once from a {@link StudyView}: trials grouped by architecture and
 * rung (re-evaluations averaged), the Pareto front at the top rung, size-adjusted quality for the ordering
 * analysis, and the study's compute so far.
 *
 * <p>Why groups: a re-evaluation trial ({@code strategy = reeval}) trains the same architecture at the same
 * rung with another seed, so the report shows one point per (architecture, rung) with mean ± std rather than
 * several points on top of each other. Why the top rung only for the front: trials at lower rungs trained
 * less, and comparing them with fully trained ones would put small, undertrained models on the front.
 */
final class StudyAnalysis {

    /** The {@code strategy} of a re-evaluation trial. */
    static final String REEVAL = "reeval";

    /** The prefix of the {@code strategy} of a named-template trial, e.g. {@code template:sandwich_2}. */
    static final String TEMPLATE_PREFIX = "template:";

    /**
     * The prefix of the {@code strategy} of a labelled layout trained by the {@code fixed} strategy, e.g.
     * {@code layout:ffn_stacked_2}; the label names the layout like a template's name.
     */
    static final String LAYOUT_PREFIX = "layout:";

    /** Who proposed {@code a}, for a table: {@code template X}, {@code layout X} or the strategy. */
    static String origin(ArchResult a) {
        if (a.template().isEmpty()) {
            return a.strategy();
        }
        return (a.strategy().startsWith(LAYOUT_PREFIX) ? "layout " : "template ") + a.template();
    }

    /** The layout name a trial's strategy carries ({@code template:X} or {@code layout:X}), or empty. */
    static String layoutName(String strategy) {
        if (strategy.startsWith(TEMPLATE_PREFIX)) {
            return strategy.substring(TEMPLATE_PREFIX.length());
        }
        if (strategy.startsWith(LAYOUT_PREFIX)) {
            return strategy.substring(LAYOUT_PREFIX.length());
        }
        return "";
    }

    /**
     * One trial with what the report derives from it.
     *
     * @param index    position in {@link StudyView#trials()}
     * @param trial    the stored trial
     * @param arch     the parsed architecture, or {@code null} if its notation does not parse
     * @param features its structural features, or {@code null} with {@code arch}
     * @param bpb      validation bits/byte, {@code NaN} unless completed
     * @param params   non-embedding parameters (measured, else from the cost model), {@code NaN} if unknown
     * @param flops    forward FLOPs per token (measured, else from the cost model at 256 bytes), {@code NaN} if unknown
     * @param group    index of its {@link ArchResult}, or -1 unless completed
     */
    record TrialRow(int index, TrialRecord trial, Architecture arch, Features features, double bpb, double params,
            double flops, int group) {
    }

    /**
     * The completed trials of one architecture at one rung, re-evaluations included.
     *
     * @param index          position in {@link #groups()}
     * @param architecture   canonical notation
     * @param arch           the parsed architecture, or {@code null}
     * @param features       its features, or {@code null}
     * @param rung           the rung
     * @param members        indices of the member trials
     * @param representative the first member not proposed by {@code reeval}: its curve and key stand for the group
     * @param bpbMean        mean validation bits/byte
     * @param bpbStd         sample standard deviation of bits/byte, {@code NaN} with one member
     * @param params         non-embedding parameters
     * @param flops          forward FLOPs per token
     * @param seconds        mean training seconds
     * @param memory         mean peak memory (heap + native) in bytes, {@code NaN} if not measured
     * @param accuracy       mean validation accuracy, {@code NaN} if not measured
     * @param template       the named template that proposed it (e.g. {@code sandwich_2}), or empty
     * @param strategy       the representative's strategy
     */
    record ArchResult(int index, String architecture, Architecture arch, Features features, int rung,
            List<Integer> members, int representative, double bpbMean, double bpbStd, double params, double flops,
            double seconds, double memory, double accuracy, String template, String strategy) {

        /** The number of seeds (member trials). */
        int seeds() {
            return members.size();
        }

        /** This group's value of {@code o}. */
        double value(Objective o) {
            return switch (o) {
                case BITS_PER_BYTE -> bpbMean;
                case NON_EMBEDDING_PARAMS -> params;
                case FLOPS_PER_TOKEN -> flops;
                case WALL_TIME -> seconds;
                case PEAK_MEMORY -> memory;
            };
        }
    }

    /**
     * Mean size-adjusted quality of the architectures whose longest FFN run has one length.
     *
     * @param longestRun the longest run of consecutive FFNs
     * @param n          architectures
     * @param mean       mean of the y values
     * @param se         standard error of the mean, {@code NaN} with one architecture
     */
    record RunGroup(int longestRun, int n, double mean, double se) {
    }

    /**
     * The answer to "does stacking FFNs help?" in numbers: strictly interleaved FFNs (longest run 1) against
     * stacked ones (run >= 2), compared on size-adjusted bits/byte.
     *
     * @param interleaved longest run 1
     * @param stacked     longest run 2 or more
     * @param difference  stacked mean minus interleaved mean (negative: stacking is better)
     * @param se          standard error of the difference (Welch)
     * @param outcome     the verdict
     */
    record StackingVerdict(RunGroup interleaved, RunGroup stacked, double difference, double se, Outcome outcome) {

        /** What the comparison shows. */
        enum Outcome {
            /** Fewer than two architectures on one side. */
            INSUFFICIENT,
            /** The difference is within two standard errors. */
            NO_CLEAR_DIFFERENCE,
            /** Stacked FFNs reach lower bits/byte at equal size. */
            STACKING_HELPS,
            /** Stacked FFNs reach higher bits/byte at equal size. */
            STACKING_HURTS
        }
    }

    /**
     * How often attention and FFN sit at each depth among the best architectures and among the rest.
     *
     * @param maxDepth      the deepest architecture's depth
     * @param bestCount     architectures in the best quartile
     * @param restCount     the others
     * @param bestAttention per depth (0 = bottom), the share of best-quartile architectures that deep with
     *                      attention there ({@code NaN} where none is that deep)
     * @param restAttention the same for the others
     * @param bestAtDepth   per depth, how many best-quartile architectures are that deep
     * @param restAtDepth   the same for the others
     */
    record DepthHeat(int maxDepth, int bestCount, int restCount, double[] bestAttention, double[] restAttention,
            int[] bestAtDepth, int[] restAtDepth) {
    }

    private static final double LN2 = Math.log(2);

    private final StudyView view;
    private final List<TrialRow> rows;
    private final List<ArchResult> groups;
    private final int topRung;
    private final List<ArchResult> top;
    private final List<ArchResult> front;
    private final double fitIntercept;
    private final double fitSlope;
    private final double[] delta;
    private final Map<TrialStatus, Integer> statusCounts;

    StudyAnalysis(StudyView view) {
        this.view = view;
        Map<String, Optional<Architecture>> parsed = new HashMap<>();
        Map<String, Features> featureCache = new HashMap<>();
        List<TrialRecord> trials = view.trials();
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < trials.size(); i++) {
            TrialRecord t = trials.get(i);
            if (t.status() == TrialStatus.COMPLETED && Double.isFinite(t.result().metrics().validBitsPerByte())) {
                byGroup.computeIfAbsent(t.architecture() + "\u0000" + t.rung(), k -> new ArrayList<>()).add(i);
            }
        }
        int[] groupOf = new int[trials.size()];
        Arrays.fill(groupOf, -1);
        List<ArchResult> g = new ArrayList<>(byGroup.size());
        for (List<Integer> members : byGroup.values()) {
            int index = g.size();
            members.forEach(m -> groupOf[m] = index);
            TrialRecord first = trials.get(members.getFirst());
            Architecture arch = parse(first.architecture(), parsed);
            Features features = arch == null ? null : featureCache.computeIfAbsent(first.architecture(),
                    k -> Features.of(arch));
            g.add(group(index, members, trials, arch, features));
        }
        this.groups = List.copyOf(g);
        List<TrialRow> r = new ArrayList<>(trials.size());
        for (int i = 0; i < trials.size(); i++) {
            TrialRecord t = trials.get(i);
            Architecture arch = parse(t.architecture(), parsed);
            Features features = arch == null ? null : featureCache.computeIfAbsent(t.architecture(),
                    k -> Features.of(arch));
            TrialMetrics m = t.result().metrics();
            double bpb = t.status() == TrialStatus.COMPLETED ? m.validBitsPerByte() : Double.NaN;
            r.add(new TrialRow(i, t, arch, features, bpb, params(m, arch), flops(m, arch), groupOf[i]));
        }
        this.rows = List.copyOf(r);
        this.topRung = groups.stream().mapToInt(ArchResult::rung).max().orElse(-1);
        this.top = groups.stream().filter(x -> x.rung() == topRung).toList();
        this.front = paretoFront(top, view.plan().objectives());
        double[] fit = fitLogParams(top);
        this.fitIntercept = fit[0];
        this.fitSlope = fit[1];
        this.delta = new double[groups.size()];
        Arrays.fill(delta, Double.NaN);
        for (ArchResult a : top) {
            delta[a.index()] = Double.isNaN(fitSlope) ? Double.NaN
                    : a.bpbMean() - (fitIntercept + fitSlope * Math.log(a.params()));
        }
        Map<TrialStatus, Integer> counts = new EnumMap<>(TrialStatus.class);
        for (TrialStatus s : TrialStatus.values()) {
            counts.put(s, 0);
        }
        trials.forEach(t -> counts.merge(t.status(), 1, Integer::sum));
        this.statusCounts = counts;
    }

    private static Architecture parse(String notation, Map<String, Optional<Architecture>> cache) {
        return cache.computeIfAbsent(notation, n -> {
            try {
                return Optional.of(Notation.parse(n));
            } catch (IllegalArgumentException e) { // NotationException included
                return Optional.empty();
            }
        }).orElse(null);
    }

    private static double params(TrialMetrics m, Architecture arch) {
        if (m.nonEmbeddingParams() >= 0) {
            return m.nonEmbeddingParams();
        }
        // Non-embedding parameters do not depend on the vocabulary, so the cost model gives the exact figure.
        return arch == null ? Double.NaN : CostModel.of(arch, ModelShape.bytes()).nonEmbeddingParams();
    }

    private static double flops(TrialMetrics m, Architecture arch) {
        if (m.flopsPerToken() >= 0) {
            return m.flopsPerToken();
        }
        return arch == null ? Double.NaN : CostModel.of(arch, ModelShape.bytes()).forwardFlopsPerToken();
    }

    private static ArchResult group(int index, List<Integer> members, List<TrialRecord> trials, Architecture arch,
            Features features) {
        int representative = members.stream().filter(m -> !REEVAL.equals(trials.get(m).strategy())).findFirst()
                .orElse(members.getFirst());
        double[] bpb = members.stream().mapToDouble(m -> trials.get(m).result().metrics().validBitsPerByte()).toArray();
        TrialMetrics rep = trials.get(representative).result().metrics();
        String template = "";
        for (int m : members) {
            String s = trials.get(m).strategy();
            if (!layoutName(s).isEmpty()) {
                template = layoutName(s);
                break;
            }
        }
        return new ArchResult(index, trials.get(representative).architecture(), arch, features,
                trials.get(representative).rung(), List.copyOf(members), representative, mean(bpb), std(bpb),
                params(rep, arch), flops(rep, arch),
                meanOf(members, trials, m -> m.trainSeconds() > 0 ? m.trainSeconds() : Double.NaN),
                meanOf(members, trials, m -> Objective.PEAK_MEMORY.of(m)),
                meanOf(members, trials, TrialMetrics::validAccuracy), template, trials.get(representative).strategy());
    }

    private static double meanOf(List<Integer> members, List<TrialRecord> trials,
            java.util.function.ToDoubleFunction<TrialMetrics> f) {
        double[] v = members.stream().mapToDouble(m -> f.applyAsDouble(trials.get(m).result().metrics()))
                .filter(Double::isFinite).toArray();
        return v.length == 0 ? Double.NaN : mean(v);
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** Sample standard deviation (n - 1); {@code NaN} for fewer than two values. */
    static double std(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** The non-dominated groups among {@code candidates} on {@code objectives}, by ascending params. */
    static List<ArchResult> paretoFront(List<ArchResult> candidates, List<Objective> objectives) {
        List<ArchResult> valid = candidates.stream()
                .filter(a -> objectives.stream().allMatch(o -> Double.isFinite(a.value(o)))).toList();
        double[][] v = new double[valid.size()][objectives.size()];
        for (int i = 0; i < valid.size(); i++) {
            for (int j = 0; j < objectives.size(); j++) {
                v[i][j] = valid.get(i).value(objectives.get(j));
            }
        }
        List<ArchResult> out = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            boolean dominated = false;
            for (int k = 0; k < v.length && !dominated; k++) {
                dominated = k != i && dominates(v[k], v[i]);
            }
            if (!dominated) {
                out.add(valid.get(i));
            }
        }
        out.sort(Comparator.comparingDouble(ArchResult::params).thenComparingDouble(ArchResult::bpbMean));
        return List.copyOf(out);
    }

    private static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int j = 0; j < a.length; j++) {
            if (a[j] > b[j]) {
                return false;
            }
            better |= a[j] < b[j];
        }
        return better;
    }

    /**
     * The 2-D front of bits/byte against {@code x}: by ascending x, each group with lower bits/byte than every
     * group at smaller or equal x.
     */
    static List<ArchResult> front2d(List<ArchResult> candidates, java.util.function.ToDoubleFunction<ArchResult> x) {
        List<ArchResult> sorted = candidates.stream()
                .filter(a -> Double.isFinite(x.applyAsDouble(a)) && Double.isFinite(a.bpbMean()))
                .sorted(Comparator.comparingDouble(x).thenComparingDouble(ArchResult::bpbMean)).toList();
        List<ArchResult> out = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        for (ArchResult a : sorted) {
            if (a.bpbMean() < best) {
                out.add(a);
                best = a.bpbMean();
            }
        }
        return out;
    }

    /** Least squares of bits/byte on ln(params): {intercept, slope}, NaNs without 3 distinct sizes. */
    private static double[] fitLogParams(List<ArchResult> groups) {
        List<ArchResult> ok = groups.stream().filter(a -> a.params() > 0 && Double.isFinite(a.bpbMean())).toList();
        if (ok.stream().mapToDouble(ArchResult::params).distinct().count() < 3) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double mx = 0;
        double my = 0;
        for (ArchResult a : ok) {
            mx += Math.log(a.params());
            my += a.bpbMean();
        }
        mx /= ok.size();
        my /= ok.size();
        double sxy = 0;
        double sxx = 0;
        for (ArchResult a : ok) {
            double dx = Math.log(a.params()) - mx;
            sxy += dx * (a.bpbMean() - my);
            sxx += dx * dx;
        }
        double slope = sxy / sxx;
        return new double[] {my - slope * mx, slope};
    }

    StudyView view() {
        return view;
    }

    List<TrialRow> rows() {
        return rows;
    }

    List<ArchResult> groups() {
        return groups;
    }

    /** The highest rung any trial completed at, -1 if none did. */
    int topRung() {
        return topRung;
    }

    /** The groups at the top rung. */
    List<ArchResult> topGroups() {
        return top;
    }

    /** The Pareto front on the study's objectives among the top-rung groups, by ascending params. */
    List<ArchResult> front() {
        return front;
    }

    /** Whether the size adjustment could be fitted (at least three distinct sizes at the top rung). */
    boolean sizeAdjusted() {
        return !Double.isNaN(fitSlope);
    }

    double fitIntercept() {
        return fitIntercept;
    }

    double fitSlope() {
        return fitSlope;
    }

    /**
     * A top-rung group's bits/byte minus what the fit on ln(params) expects at its size: negative means better
     * than its size predicts. {@code NaN} off the top rung or without a fit.
     */
    double delta(ArchResult a) {
        return delta[a.index()];
    }

    /** The ordering analysis's y value: size-adjusted bits/byte where the fit exists, else raw bits/byte. */
    double orderingValue(ArchResult a) {
        return sizeAdjusted() ? delta(a) : a.bpbMean();
    }

    /**
     * Each named template's result at the highest rung it reached (the lowest bits/byte among equals), best
     * first: the study's comparison of known layouts, which the front alone may not show.
     */
    List<ArchResult> templates() {
        Map<String, ArchResult> best = new LinkedHashMap<>();
        for (ArchResult g : groups) {
            if (g.template().isEmpty()) {
                continue;
            }
            best.merge(g.template(), g, (a, b) -> a.rung() != b.rung() ? (a.rung() > b.rung() ? a : b)
                    : a.bpbMean() <= b.bpbMean() ? a : b);
        }
        return best.values().stream()
                .sorted(Comparator.comparingInt(ArchResult::rung).reversed().thenComparingDouble(ArchResult::bpbMean))
                .toList();
    }

    /** Trials by status, every status present (zero counts included). */
    Map<TrialStatus, Integer> statusCounts() {
        return statusCounts;
    }

    /** Trials that trained (completed, diverged, out of memory or failed). */
    int trialsTrained() {
        return statusCounts.get(TrialStatus.COMPLETED) + statusCounts.get(TrialStatus.DIVERGED)
                + statusCounts.get(TrialStatus.OUT_OF_MEMORY) + statusCounts.get(TrialStatus.FAILED);
    }

    /**
     * Candidates trained at rung 0 (completed, diverged, out of memory or failed; re-evaluations not counted):
     * what a study's trial budget counts.
     */
    int candidatesTrained() {
        int n = 0;
        for (TrialRecord t : view.trials()) {
            TrialStatus s = t.status();
            if (t.rung() == 0 && !REEVAL.equals(t.strategy()) && (s == TrialStatus.COMPLETED
                    || s == TrialStatus.DIVERGED || s == TrialStatus.OUT_OF_MEMORY || s == TrialStatus.FAILED)) {
                n++;
            }
        }
        return n;
    }

    /** Training FLOPs spent over all trials. */
    double trainingFlops() {
        return view.trials().stream().mapToDouble(t -> t.result().metrics().trainingFlops())
                .filter(Double::isFinite).sum();
    }

    /** Wall time from the study's creation to its end, or to the snapshot while it has not ended. */
    Duration elapsed() {
        Instant end = view.info().finished() != null ? view.info().finished() : view.generatedAt();
        Duration d = Duration.between(view.info().created(), end);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The lowest mean bits/byte at the top rung. */
    Optional<ArchResult> best() {
        return top.stream().min(Comparator.comparingDouble(ArchResult::bpbMean));
    }

    /** How many trials each strategy proposed, most first. */
    Map<String, Integer> strategyCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (TrialRecord t : view.trials()) {
            String s = t.strategy().startsWith(TEMPLATE_PREFIX) ? "template"
                    : t.strategy().startsWith(LAYOUT_PREFIX) ? "layout" : t.strategy().isEmpty() ? "?" : t.strategy();
            counts.merge(s, 1, Integer::sum);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Top-rung groups by their longest FFN run (groups without FFN or features left out). */
    List<RunGroup> runGroups() {
        Map<Integer, List<Double>> by = new TreeMap<>();
        for (ArchResult a : top) {
            double y = orderingValue(a);
            if (a.features() != null && a.features().longestFfnRun() > 0 && Double.isFinite(y)) {
                by.computeIfAbsent(a.features().longestFfnRun(), k -> new ArrayList<>()).add(y);
            }
        }
        List<RunGroup> out = new ArrayList<>();
        by.forEach((run, ys) -> out.add(runGroup(run, ys)));
        return out;
    }

    private static RunGroup runGroup(int run, List<Double> ys) {
        double[] v = ys.stream().mapToDouble(Double::doubleValue).toArray();
        return new RunGroup(run, v.length, mean(v), v.length < 2 ? Double.NaN : std(v) / Math.sqrt(v.length));
    }

    /** Interleaved (longest FFN run 1) against stacked (run >= 2) on the ordering value. */
    StackingVerdict stacking() {
        List<Double> one = new ArrayList<>();
        List<Double> more = new ArrayList<>();
        for (ArchResult a : top) {
            double y = orderingValue(a);
            if (a.features() == null || !Double.isFinite(y)) {
                continue;
            }
            int run = a.features().longestFfnRun();
            if (run == 1) {
                one.add(y);
            } else if (run >= 2) {
                more.add(y);
            }
        }
        RunGroup i = runGroup(1, one);
        RunGroup s = runGroup(2, more);
        if (one.size() < 2 || more.size() < 2) {
            return new StackingVerdict(i, s, s.mean() - i.mean(), Double.NaN, StackingVerdict.Outcome.INSUFFICIENT);
        }
        double diff = s.mean() - i.mean();
        double se = Math.sqrt(i.se() * i.se() + s.se() * s.se());
        StackingVerdict.Outcome outcome = Math.abs(diff) < 2 * se ? StackingVerdict.Outcome.NO_CLEAR_DIFFERENCE
                : diff < 0 ? StackingVerdict.Outcome.STACKING_HELPS : StackingVerdict.Outcome.STACKING_HURTS;
        return new StackingVerdict(i, s, diff, se, outcome);
    }

    /** The name of the layout the named layouts are compared with. */
    static final String REFERENCE_LAYOUT = "interleaved";

    /**
     * Every other named layout at the reference layout's rung against the reference ({@value #REFERENCE_LAYOUT}),
     * best first; empty when there is no reference with two or more seeds. Layouts with fewer than two seeds are
     * left out (no test is possible).
     */
    List<LayoutComparison> versusReference() {
        List<ArchResult> named = templates();
        ArchResult ref = named.stream().filter(t -> REFERENCE_LAYOUT.equals(t.template())).findFirst().orElse(null);
        if (ref == null || ref.seeds() < 2) {
            return List.of();
        }
        List<LayoutComparison> out = new ArrayList<>();
        for (ArchResult t : named) {
            if (t == ref || t.rung() != ref.rung()) {
                continue;
            }
            LayoutComparison c = LayoutComparison.of(t.template(), t.bpbMean(), t.bpbStd(), t.seeds(), ref.bpbMean(),
                    ref.bpbStd(), ref.seeds());
            if (c != null) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingDouble(LayoutComparison::difference));
        return out;
    }

    /** Attention/FFN placement per depth among the best quartile (by ordering value) against the rest. */
    DepthHeat depthHeat() {
        List<ArchResult> ranked = top.stream().filter(a -> a.arch() != null && Double.isFinite(orderingValue(a)))
                .sorted(Comparator.comparingDouble(this::orderingValue)).toList();
        int maxDepth = ranked.stream().mapToInt(a -> a.arch().depth()).max().orElse(0);
        int bestCount = ranked.isEmpty() ? 0 : Math.max(1, (ranked.size() + 3) / 4);
        double[] bestA = new double[maxDepth];
        double[] restA = new double[maxDepth];
        int[] bestN = new int[maxDepth];
        int[] restN = new int[maxDepth];
        for (int r = 0; r < ranked.size(); r++) {
            boolean best = r < bestCount;
            List<Sublayer> s = ranked.get(r).arch().sublayers();
            for (int d = 0; d < s.size(); d++) {
                boolean attention = s.get(d).attends();
                if (best) {
                    bestN[d]++;
                    bestA[d] += attention ? 1 : 0;
                } else {
                    restN[d]++;
                    restA[d] += attention ? 1 : 0;
                }
            }
        }
        for (int d = 0; d < maxDepth; d++) {
            bestA[d] = bestN[d] == 0 ? Double.NaN : bestA[d] / bestN[d];
            restA[d] = restN[d] == 0 ? Double.NaN : restA[d] / restN[d];
        }
        return new DepthHeat(maxDepth, bestCount, ranked.size() - bestCount, bestA, restA, bestN, restN);
    }

    /** Converts a loss in nats to bits. */
    static double bits(double nats) {
        return nats / LN2;
    }
}
