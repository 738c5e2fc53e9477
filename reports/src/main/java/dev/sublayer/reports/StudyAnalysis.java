package dev.sublayer.reports;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.Features;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.space.Sublayer;
import dev.sublayer.storage.StudyEvent;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.BudgetUse;
import dev.sublayer.trial.WorkerUtilisation;
import dev.sublayer.trial.ObjectiveKind;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.SeedStatistics;
import dev.sublayer.trial.Session;
import dev.sublayer.trial.StudyFront;
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
 * rung (re-evaluations averaged), the study's front (as the search stored it) matched to those groups,
 * size-adjusted quality for the ordering analysis, and the study's budget use.
 *
 * <p>Why groups: a re-evaluation trial trains the same architecture at the same rung with another seed, so the
 * report shows one point per (architecture, rung) with mean ± std ({@link SeedStatistics}) rather than several
 * points on top of each other. Who is on the front is the search's decision, on its single-seed values
 * ({@link StudyFront}); the statistics only add the spread over seeds.
 *
 * <p>Every figure is measured as the search measures it ({@link ObjectiveKind}) and the budget is counted as the
 * search counts it ({@link BudgetUse}).
 */
final class StudyAnalysis {

    /** Who proposed {@code a}, for a table: {@code template X}, {@code layout X} or the strategy's name. */
    static String origin(ArchResult a) {
        return a.origin().describe();
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
     * @param seconds        mean wall seconds ({@link ObjectiveKind#WALL_SECONDS}: build, train and evaluation)
     * @param memory         mean peak memory ({@link ObjectiveKind#PEAK_MEMORY_BYTES}), {@code NaN} if not measured
     * @param accuracy       mean validation accuracy, {@code NaN} if not measured
     * @param template       the named template or fixed layout that proposed it (e.g. {@code sandwich_2}), or empty
     * @param origin         what proposed it: the member origin naming its template or layout, else the
     *                       representative's
     */
    record ArchResult(int index, String architecture, Architecture arch, Features features, int rung,
            List<Integer> members, int representative, double bpbMean, double bpbStd, double params, double flops,
            double seconds, double memory, double accuracy, String template, Origin origin) {

        /** The number of seeds (member trials). */
        int seeds() {
            return members.size();
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
    private final List<Session> sessions;
    private final BudgetUse budgetUse;
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
        this.front = frontGroups(view.front(), groups);
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
        this.sessions = StudyEvent.sessions(view.events());
        this.budgetUse = BudgetUse.of(trials, sessions, view.generations().size());
    }

    /** The groups of the front's members, in the front's order (a member without a group is left out). */
    private static List<ArchResult> frontGroups(StudyFront front, List<ArchResult> groups) {
        Map<String, ArchResult> byArchitectureAndRung = new HashMap<>();
        for (ArchResult g : groups) {
            byArchitectureAndRung.put(g.architecture() + "\u0000" + g.rung(), g);
        }
        List<ArchResult> out = new ArrayList<>();
        for (StudyFront.Member m : front.members()) {
            ArchResult g = byArchitectureAndRung.get(m.architecture() + "\u0000" + m.rung());
            if (g != null) {
                out.add(g);
            }
        }
        return List.copyOf(out);
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

    /**
     * {@code kind}'s value of a trial, measured as the search measures it; the size and cost fall back to the
     * cost model (at the byte-level vocabulary) where not measured, and are {@code NaN} when the notation did not
     * parse either.
     */
    static double measure(ObjectiveKind kind, TrialMetrics m, Architecture arch) {
        boolean modelled = kind == ObjectiveKind.NON_EMBEDDING_PARAMS && m.nonEmbeddingParams() < 0
                || kind == ObjectiveKind.FLOPS_PER_TOKEN && m.flopsPerToken() < 0;
        if (modelled && arch == null) {
            return Double.NaN;
        }
        return kind.measure(m, arch, ModelShape.bytes());
    }

    private static double params(TrialMetrics m, Architecture arch) {
        return measure(ObjectiveKind.NON_EMBEDDING_PARAMS, m, arch);
    }

    private static double flops(TrialMetrics m, Architecture arch) {
        return measure(ObjectiveKind.FLOPS_PER_TOKEN, m, arch);
    }

    /** Wall seconds of a trial ({@link ObjectiveKind#WALL_SECONDS}); {@code NaN} for one that took no time. */
    static double seconds(TrialMetrics m) {
        double s = measure(ObjectiveKind.WALL_SECONDS, m, null);
        return s > 0 ? s : Double.NaN;
    }

    private static ArchResult group(int index, List<Integer> members, List<TrialRecord> trials, Architecture arch,
            Features features) {
        int representative = members.stream().filter(m -> !trials.get(m).origin().isReevaluation()).findFirst()
                .orElse(members.getFirst());
        List<double[]> bpb = members.stream()
                .map(m -> new double[] {trials.get(m).result().metrics().validBitsPerByte()}).toList();
        SeedStatistics stats = SeedStatistics.of(bpb);
        TrialMetrics rep = trials.get(representative).result().metrics();
        Origin origin = trials.get(representative).origin();
        for (int m : members) {
            if (trials.get(m).origin().layoutName().isPresent()) {
                origin = trials.get(m).origin();
                break;
            }
        }
        return new ArchResult(index, trials.get(representative).architecture(), arch, features,
                trials.get(representative).rung(), List.copyOf(members), representative, stats.mean()[0],
                stats.std()[0], params(rep, arch), flops(rep, arch),
                meanOf(members, trials, StudyAnalysis::seconds),
                meanOf(members, trials, m -> measure(ObjectiveKind.PEAK_MEMORY_BYTES, m, arch)),
                meanOf(members, trials, TrialMetrics::validAccuracy), origin.layoutName().orElse(""), origin);
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

    /** The groups of the study's front members, in the front's order (best first by the first objective). */
    List<ArchResult> front() {
        return front;
    }

    /** The rung the front was measured at, -1 while it is empty. */
    int frontRung() {
        return view.front().rung();
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

    /** How busy the worker slots were over the stored generations ({@link WorkerUtilisation#NONE} if unmeasured). */
    WorkerUtilisation utilisation() {
        return WorkerUtilisation.sum(view.generations().stream().flatMap(g -> g.utilisation().stream()).toList());
    }

    /** The study's budget use, counted as the search counts it ({@link BudgetUse}). */
    BudgetUse budgetUse() {
        return budgetUse;
    }

    /** The study's search sessions, oldest first. */
    List<Session> sessions() {
        return sessions;
    }

    /**
     * The calendar time from the study's creation to its end, or to the snapshot while it has not ended; pauses
     * between sessions included (the budget's wall time, {@link BudgetUse#wallSeconds()}, excludes them).
     */
    Duration elapsed() {
        Instant end = view.info().finished() != null ? view.info().finished() : view.generatedAt();
        Duration d = Duration.between(view.info().created(), end);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The lowest mean bits/byte at the top rung. */
    Optional<ArchResult> best() {
        return top.stream().min(Comparator.comparingDouble(ArchResult::bpbMean));
    }

    /** How many trials each proposer ({@link Origin#proposer()}) proposed, most first. */
    Map<String, Integer> strategyCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (TrialRecord t : view.trials()) {
            counts.merge(t.origin().proposer(), 1, Integer::sum);
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
