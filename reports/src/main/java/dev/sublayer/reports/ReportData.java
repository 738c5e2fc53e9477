package dev.sublayer.reports;

import dev.sublayer.reports.StudyAnalysis.ArchResult;
import dev.sublayer.reports.StudyAnalysis.DepthHeat;
import dev.sublayer.reports.StudyAnalysis.RunGroup;
import dev.sublayer.reports.StudyAnalysis.TrialRow;
import dev.sublayer.storage.GenerationRecord;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.TrialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The JSON document the report page's script draws its charts and the trials table from. It is columnar
 * (one array per field, indices into shared string tables) because a study of 10,000 trials must stay a
 * few megabytes; {@code report.js} is its only reader and documents the same layout.
 */
final class ReportData {

    /** Curve points kept for a trial off the front: enough for its shape, little for 10,000 trials. */
    static final int THIN_CURVE_POINTS = 8;

    /** Curve points kept for a front or top-rung trial. */
    static final int FULL_CURVE_POINTS = 300;

    /** Validation points a trial needs for its validation curve; with fewer, its training loss is drawn. */
    static final int MIN_CURVE_POINTS = 2;

    /** Bins of the trials-per-hour chart at most. */
    static final int MAX_RATE_BINS = 400;

    private ReportData() {
    }

    /** The data document of {@code a}, safe to embed in a {@code <script type="application/json">} element. */
    static String json(StudyAnalysis a) {
        StudyView v = a.view();
        JsonWriter w = new JsonWriter(256 + v.trials().size() * 200, 5);
        w.beginObject();
        w.field("v", 1);
        w.name("study").beginObject().field("name", v.info().name()).field("status", v.info().status())
                .field("created", v.info().created().getEpochSecond()).endObject();
        w.name("objectives").beginArray();
        v.plan().objectives().forEach(o -> w.value(o.configName()));
        w.endArray();
        w.name("objectiveLabels").beginArray();
        v.plan().objectives().forEach(o -> w.value(o.description()));
        w.endArray();
        w.field("topRung", a.topRung());
        w.field("frontRung", a.frontRung());
        w.field("sizeAdjusted", a.sizeAdjusted());
        w.name("fit").beginArray().value(a.fitIntercept()).value(a.fitSlope()).endArray();

        StringTable archs = new StringTable();
        StringTable strategies = new StringTable();
        StringTable workers = new StringTable();
        // Interned first in trial order, so the tables read naturally when debugging.
        a.rows().forEach(r -> archs.index(r.trial().architecture()));

        writeGroups(w, a, archs, strategies);
        writeTrials(w, a, archs, strategies, workers);
        w.name("statuses").beginArray();
        for (TrialStatus s : TrialStatus.values()) {
            w.value(s.configName());
        }
        w.endArray();
        writeCurves(w, a);
        writeGenerations(w, v.generations());
        writeRate(w, a);
        writeOrdering(w, a);
        w.name("archs");
        archs.write(w);
        w.name("strategies");
        strategies.write(w);
        w.name("workers");
        workers.write(w);
        w.endObject();
        return w.toString();
    }

    private static void writeGroups(JsonWriter w, StudyAnalysis a, StringTable archs, StringTable strategies) {
        List<ArchResult> g = a.groups();
        Set<Integer> front = new HashSet<>();
        a.front().forEach(f -> front.add(f.index()));
        w.name("groups").beginObject();
        longs(w, "arch", g, x -> archs.index(x.architecture()));
        longs(w, "rung", g, ArchResult::rung);
        longs(w, "n", g, ArchResult::seeds);
        doubles(w, "bpb", g, ArchResult::bpbMean);
        doubles(w, "std", g, ArchResult::bpbStd);
        doubles(w, "params", g, ArchResult::params);
        doubles(w, "flops", g, ArchResult::flops);
        doubles(w, "seconds", g, ArchResult::seconds);
        doubles(w, "memory", g, ArchResult::memory);
        doubles(w, "acc", g, ArchResult::accuracy);
        strings(w, "template", g, ArchResult::template);
        longs(w, "strategy", g, x -> strategies.index(x.origin().text()));
        strings(w, "origin", g, StudyAnalysis::origin);
        longs(w, "rep", g, ArchResult::representative);
        longs(w, "front", g, x -> front.contains(x.index()) ? 1 : 0);
        doubles(w, "ffnShare", g, x -> x.features() == null ? Double.NaN : x.features().ffnParamShare());
        doubles(w, "run", g, x -> x.features() == null ? Double.NaN : x.features().longestFfnRun());
        doubles(w, "com", g, x -> x.features() == null ? Double.NaN : x.features().attentionCentreOfMass());
        doubles(w, "attn", g, x -> x.features() == null ? Double.NaN : x.features().attentionCount());
        doubles(w, "depth", g, x -> x.arch() == null ? Double.NaN : x.arch().depth());
        doubles(w, "delta", g, a::delta);
        w.endObject();
        w.name("front").beginArray();
        a.front().forEach(f -> w.value(f.index()));
        w.endArray();
        w.name("front2d").beginObject();
        w.name("params").beginArray();
        StudyAnalysis.front2d(a.topGroups(), ArchResult::params).forEach(f -> w.value(f.index()));
        w.endArray();
        w.name("flops").beginArray();
        StudyAnalysis.front2d(a.topGroups(), ArchResult::flops).forEach(f -> w.value(f.index()));
        w.endArray();
        w.endObject();
    }

    private static void writeTrials(JsonWriter w, StudyAnalysis a, StringTable archs, StringTable strategies,
            StringTable workers) {
        List<TrialRow> r = a.rows();
        w.name("trials").beginObject();
        strings(w, "key", r, x -> x.trial().key());
        longs(w, "arch", r, x -> archs.index(x.trial().architecture()));
        longs(w, "rung", r, x -> x.trial().rung());
        longs(w, "status", r, x -> x.trial().status().ordinal());
        longs(w, "strategy", r, x -> strategies.index(x.trial().origin().text()));
        longs(w, "gen", r, x -> x.trial().generation());
        // Seeds as text: JavaScript numbers lose integers beyond 2^53.
        strings(w, "seed", r, x -> Long.toString(x.trial().seed()));
        doubles(w, "bpb", r, TrialRow::bpb);
        doubles(w, "params", r, TrialRow::params);
        doubles(w, "flops", r, TrialRow::flops);
        doubles(w, "seconds", r, x -> StudyAnalysis.seconds(x.trial().result().metrics()));
        longs(w, "started", r, x -> x.trial().started().getEpochSecond());
        doubles(w, "finished", r, x -> x.trial().finished() == null ? Double.NaN : x.trial().finished().getEpochSecond());
        strings(w, "failure", r, x -> x.trial().result().failure());
        longs(w, "worker", r, x -> workers.index(x.trial().worker()));
        longs(w, "group", r, TrialRow::group);
        w.endObject();
    }

    /**
     * Learning curves in bits: per trial an index into a table of token grids (trials at one rung usually share
     * their evaluation schedule, so the grid is written once) and the loss values. Validation points where
     * the trial measured at least {@value #MIN_CURVE_POINTS} (one point is a dot, not a curve: a study that
     * validates only at the end of each rung has one per trial), else its training points, flagged so the
     * chart says so.
     */
    private static void writeCurves(JsonWriter w, StudyAnalysis a) {
        Set<Integer> full = new HashSet<>();
        a.topGroups().forEach(g -> full.add(g.representative()));
        Map<List<Long>, Integer> grids = new LinkedHashMap<>();
        w.name("curves").beginObject();
        List<Integer> trialIdx = new ArrayList<>();
        List<Integer> gridIdx = new ArrayList<>();
        List<double[]> ys = new ArrayList<>();
        List<Boolean> train = new ArrayList<>();
        for (TrialRow r : a.rows()) {
            List<CurvePoint> c = r.trial().result().curve();
            if (c.isEmpty()) {
                continue;
            }
            List<CurvePoint> pts = c.stream().filter(p -> Double.isFinite(p.validLoss())).toList();
            boolean isTrain = false;
            if (pts.size() < MIN_CURVE_POINTS) {
                List<CurvePoint> training = c.stream().filter(p -> Double.isFinite(p.trainLoss())).toList();
                if (training.size() > pts.size()) {
                    pts = training;
                    isTrain = true;
                }
            }
            if (pts.isEmpty()) {
                continue;
            }
            pts = thin(pts, full.contains(r.index()) ? FULL_CURVE_POINTS : THIN_CURVE_POINTS);
            List<Long> grid = pts.stream().map(CurvePoint::tokens).toList();
            Integer gi = grids.computeIfAbsent(grid, k -> grids.size());
            trialIdx.add(r.index());
            gridIdx.add(gi);
            boolean training = isTrain;
            ys.add(pts.stream().mapToDouble(p -> StudyAnalysis.bits(training ? p.trainLoss() : p.validLoss()))
                    .toArray());
            train.add(training);
        }
        w.name("trial").beginArray();
        trialIdx.forEach(w::value);
        w.endArray();
        w.name("grid").beginArray();
        gridIdx.forEach(w::value);
        w.endArray();
        w.name("train").beginArray();
        train.forEach(t -> w.value(t ? 1 : 0));
        w.endArray();
        w.name("y").beginArray();
        for (double[] y : ys) {
            w.beginArray();
            for (double d : y) {
                w.value(JsonWriter.round(d, 4));
            }
            w.endArray();
        }
        w.endArray();
        w.name("grids").beginArray();
        for (List<Long> g : grids.keySet()) {
            w.beginArray();
            g.forEach(w::value);
            w.endArray();
        }
        w.endArray();
        w.endObject();
    }

    /** At most {@code max} points, evenly spaced, always keeping the first and the last. */
    static List<CurvePoint> thin(List<CurvePoint> pts, int max) {
        if (pts.size() <= max) {
            return pts;
        }
        List<CurvePoint> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(pts.get((int) Math.round((double) i * (pts.size() - 1) / (max - 1))));
        }
        return out;
    }

    private static void writeGenerations(JsonWriter w, List<GenerationRecord> gens) {
        w.name("generations").beginObject();
        longs(w, "gen", gens, GenerationRecord::generation);
        doubles(w, "hv", gens, GenerationRecord::hypervolume);
        doubles(w, "best", gens, GenerationRecord::bestBitsPerByte);
        longs(w, "done", gens, GenerationRecord::trialsDone);
        longs(w, "time", gens, g -> g.time().getEpochSecond());
        w.endObject();
    }

    /**
     * Finished trials per time bin since the study was created. Bins are an hour for long studies and shorter
     * for short ones (the page shows rates per hour either way), and never more than {@link #MAX_RATE_BINS}.
     */
    private static void writeRate(JsonWriter w, StudyAnalysis a) {
        Instant start = a.view().info().created();
        List<Instant> done = a.view().trials().stream().map(TrialRecord::finished)
                .filter(t -> t != null && !t.isBefore(start)).toList();
        Instant end = done.stream().max(Instant::compareTo).orElse(start);
        long spanMinutes = Math.max(1, Duration.between(start, end).toMinutes() + 1);
        long bin = spanMinutes >= 6 * 60 ? 60 : spanMinutes >= 60 ? 10 : 1;
        bin = Math.max(bin, (spanMinutes + MAX_RATE_BINS - 1) / MAX_RATE_BINS);
        int bins = (int) ((spanMinutes + bin - 1) / bin);
        long[] counts = new long[bins];
        for (Instant t : done) {
            int i = (int) Math.min(bins - 1, Duration.between(start, t).toMinutes() / bin);
            counts[i]++;
        }
        w.name("rate").beginObject().field("start", start.getEpochSecond()).field("binMinutes", bin);
        w.name("counts").beginArray();
        for (long c : counts) {
            w.value(c);
        }
        w.endArray().endObject();
    }

    private static void writeOrdering(JsonWriter w, StudyAnalysis a) {
        w.name("ordering").beginObject();
        w.name("runs").beginArray();
        for (RunGroup g : a.runGroups()) {
            w.beginObject().field("run", g.longestRun()).field("n", g.n()).field("mean", g.mean())
                    .field("se", g.se()).endObject();
        }
        w.endArray();
        DepthHeat h = a.depthHeat();
        w.name("heat").beginObject().field("maxDepth", h.maxDepth()).field("bestCount", h.bestCount())
                .field("restCount", h.restCount());
        w.name("best").beginArray();
        Arrays.stream(h.bestAttention()).forEach(w::value);
        w.endArray();
        w.name("rest").beginArray();
        Arrays.stream(h.restAttention()).forEach(w::value);
        w.endArray();
        w.name("bestN").beginArray();
        Arrays.stream(h.bestAtDepth()).forEach(w::value);
        w.endArray();
        w.name("restN").beginArray();
        Arrays.stream(h.restAtDepth()).forEach(w::value);
        w.endArray();
        w.endObject();
        w.endObject();
    }

    private static <T> void longs(JsonWriter w, String name, List<T> items, ToLongFunction<T> f) {
        w.name(name).beginArray();
        for (T t : items) {
            w.value(f.applyAsLong(t));
        }
        w.endArray();
    }

    private static <T> void doubles(JsonWriter w, String name, List<T> items, ToDoubleFunction<T> f) {
        w.name(name).beginArray();
        for (T t : items) {
            w.value(f.applyAsDouble(t));
        }
        w.endArray();
    }

    private static <T> void strings(JsonWriter w, String name, List<T> items, Function<T, String> f) {
        w.name(name).beginArray();
        for (T t : items) {
            w.value(f.apply(t));
        }
        w.endArray();
    }

    /** Distinct strings numbered in first-seen order. */
    private static final class StringTable {
        private final Map<String, Integer> index = new HashMap<>();
        private final List<String> values = new ArrayList<>();

        int index(String s) {
            return index.computeIfAbsent(s, k -> {
                values.add(k);
                return values.size() - 1;
            });
        }

        void write(JsonWriter w) {
            w.beginArray();
            values.forEach(w::value);
            w.endArray();
        }
    }
}
