package dev.sublayer.storage;

import dev.sublayer.io.AtomicFiles;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a study out as JSON Lines (everything, for {@link StudyImport}) or CSV (one row per trial, for
 * spreadsheets and plotting).
 *
 * <p><b>JSONL.</b> One JSON object per line, each with a {@code kind}: first {@code study} (with
 * {@code schema_version}, {@code trial_key_version} and the {@code info}), then every {@code trial} in insertion
 * order, every {@code generation} in order, every {@code event} in order. Trial, generation and event lines are
 * the very documents the store holds ({@code "v": 1}, snake_case, see storage/README.md) with {@code kind} added, so
 * {@link StudyImport} rebuilds a store with identical content and a re-export is byte-identical.
 *
 * <p><b>CSV.</b> RFC 4180, a header row, the columns of {@link #CSV_COLUMNS} in that order (new columns
 * are only ever appended). Unmeasured figures and unset budget caps are empty cells; infinities are
 * {@code Infinity} / {@code -Infinity}; times are ISO-8601.
 */
public final class StudyExport {

    /** The export formats. */
    public enum Format {
        /** JSON Lines: everything, re-importable. */
        JSONL,
        /** CSV: one row per trial. */
        CSV;

        /** The format named {@code jsonl} or {@code csv} (any case). */
        public static Format parse(String name) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("--format must be jsonl or csv, got '" + name + "'");
        }
    }

    /** The CSV columns, in order. */
    public static final List<String> CSV_COLUMNS = List.of(
            "key", "architecture", "rung", "seed", "generation", "strategy", "worker", "status", "started",
            "finished", "budget_max_steps", "budget_max_tokens", "budget_max_seconds", "budget_max_training_flops",
            "valid_loss", "valid_bits_per_byte", "valid_accuracy", "total_params", "non_embedding_params",
            "flops_per_token", "training_flops", "steps", "tokens", "build_seconds", "train_seconds",
            "eval_seconds", "tokens_per_second", "peak_heap_bytes", "peak_native_bytes", "curve_points",
            "final_train_loss", "final_valid_loss", "failure", "sublayer_version", "git_commit", "jdk", "engine",
            "backend", "device", "os", "host");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StudyExport() {
    }

    /** Writes {@code store} in {@code format} to {@code out} as UTF-8; flushes but does not close it. */
    public static void write(StudyStore store, Format format, OutputStream out) throws IOException {
        write(store, format, new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16));
    }

    /** Writes {@code store} in {@code format} to {@code w}; flushes but does not close it. */
    public static void write(StudyStore store, Format format, Writer w) throws IOException {
        if (format == Format.JSONL) {
            jsonl(store, w);
        } else {
            csv(store, w);
        }
        w.flush();
    }

    /**
     * Exports the closed study in {@code studyDir} to the file {@code out}, atomically: it is written under a
     * temporary name beside {@code out} and renamed over it only when complete.
     */
    public static void toFile(Path studyDir, Format format, Path out) {
        Path target = target(out);
        try (StudyStore store = StudyStore.openReadOnly(studyDir)) {
            toFile(store, format, target);
        }
    }

    /** Exports the open {@code store} (e.g. a running study's snapshot) to the file {@code out}, atomically. */
    public static void toFile(StudyStore store, Format format, Path out) {
        Path target = target(out);
        try {
            AtomicFiles.write(target, os -> write(store, format, os));
        } catch (IOException | RuntimeException e) {
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot write export " + target + ": "
                    + (e instanceof IOException io ? StoreFile.reason(io) : e.getMessage()), e);
        }
    }

    private static Path target(Path out) {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (Files.isDirectory(target)) {
            throw new StoreException("cannot write export " + target + ": it is a directory");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new StoreException("cannot write export " + target + ": the directory " + parent
                    + " does not exist");
        }
        return target;
    }

    // ================================================================== JSONL

    /** Writes the JSONL export of {@code store}. */
    public static void jsonl(StudyStore store, Writer w) throws IOException {
        ObjectNode head = NODES.objectNode();
        head.put("kind", "study");
        head.put("v", StoreCodec.VALUE_VERSION);
        head.put("schema_version", store.schemaVersion());
        head.put("trial_key_version", store.trialKeyVersion());
        head.set("info", StoreCodec.toNode(store.info()));
        line(w, head);
        try {
            store.forEachTrial(t -> line(w, kinded("trial", StoreCodec.toNode(t))));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (GenerationRecord g : store.generations()) {
            line(w, kinded("generation", StoreCodec.toNode(g)));
        }
        for (StudyEvent e : store.events()) {
            line(w, kinded("event", StoreCodec.toNode(e)));
        }
    }

    private static ObjectNode kinded(String kind, ObjectNode body) {
        ObjectNode n = NODES.objectNode();
        n.put("kind", kind);
        n.setAll(body);
        return n;
    }

    private static void line(Writer w, ObjectNode node) {
        try {
            w.write(StrictJson.text(node));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ================================================================== CSV

    /** Writes the CSV export (trials only) of {@code store}. */
    public static void csv(StudyStore store, Writer w) throws IOException {
        row(w, CSV_COLUMNS);
        try {
            store.forEachTrial(t -> {
                try {
                    row(w, csvRow(t));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The CSV cells of one trial, in {@link #CSV_COLUMNS} order. */
    public static List<String> csvRow(TrialRecord t) {
        Budget b = t.budget();
        TrialResult r = t.result();
        TrialMetrics m = r.metrics();
        Provenance p = r.provenance();
        List<CurvePoint> curve = r.curve();
        CurvePoint last = curve.isEmpty() ? null : curve.get(curve.size() - 1);
        double lastValid = Double.NaN;
        for (int i = curve.size() - 1; i >= 0 && Double.isNaN(lastValid); i--) {
            lastValid = curve.get(i).validLoss();
        }
        return List.of(
                t.key(), t.architecture(), Integer.toString(t.rung()), Long.toString(t.seed()),
                Integer.toString(t.generation()), t.origin().text(), t.worker(), r.status().configName(),
                t.started().toString(), t.finished() == null ? "" : t.finished().toString(),
                b.maxSteps() == Long.MAX_VALUE ? "" : Long.toString(b.maxSteps()),
                b.maxTokens() == Long.MAX_VALUE ? "" : Long.toString(b.maxTokens()),
                b.maxSeconds() == Double.POSITIVE_INFINITY ? "" : num(b.maxSeconds()),
                b.maxTrainingFlops() == Double.POSITIVE_INFINITY ? "" : num(b.maxTrainingFlops()),
                num(m.validLoss()), num(m.validBitsPerByte()), num(m.validAccuracy()),
                Long.toString(m.totalParams()), Long.toString(m.nonEmbeddingParams()),
                Long.toString(m.flopsPerToken()), num(m.trainingFlops()), Long.toString(m.steps()),
                Long.toString(m.tokens()), num(m.buildSeconds()), num(m.trainSeconds()), num(m.evalSeconds()),
                num(m.tokensPerSecond()), Long.toString(m.peakHeapBytes()), Long.toString(m.peakNativeBytes()),
                Integer.toString(curve.size()), last == null ? "" : num(last.trainLoss()), num(lastValid),
                r.failure(), str(p.sublayerVersion()), str(p.gitCommit()), str(p.jdk()), str(p.engine()),
                str(p.backend()), str(p.device()), str(p.os()), str(p.host()));
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        return Double.toString(v);
    }

    private static String str(String s) {
        return s == null ? "" : s;
    }

    private static void row(Writer w, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                w.write(',');
            }
            w.write(quote(cells.get(i)));
        }
        w.write("\r\n");
    }

    /** RFC 4180 quoting: only cells with a comma, quote, CR or LF are quoted; quotes are doubled. */
    static String quote(String cell) {
        boolean needs = false;
        for (int i = 0; i < cell.length() && !needs; i++) {
            char c = cell.charAt(i);
            needs = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        return needs ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
