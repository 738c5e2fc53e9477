package dev.sublayer.storage.bench;

import dev.sublayer.storage.StudyInfo;
import dev.sublayer.storage.StudyMaintenance;
import dev.sublayer.storage.StudyStore;
import dev.sublayer.storage.TrialRecord;
import dev.sublayer.trial.Budget;
import dev.sublayer.trial.CurvePoint;
import dev.sublayer.trial.Origin;
import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialResult;
import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The storage benchmark (bench/storage/run.sh): writes N trials with 50-point learning curves into a new
 * study, one commit per trial, closes it, reopens it, and prints trials/s written, reopen time and bytes per
 * trial on stdout; then fully compacts it and reopens it once more.
 *
 * <p>Arguments: {@code <scratch-dir> [trials=100000] [durability=COMMIT|SYNC] [seed=1]}.
 */
public final class StoreBench {

    private StoreBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: StoreBench <scratch-dir> [trials] [COMMIT|SYNC] [seed]");
            System.exit(2);
        }
        Path scratch = Path.of(args[0]);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        StudyStore.Durability durability = args.length > 2 ? StudyStore.Durability.valueOf(args[2])
                : StudyStore.Durability.COMMIT;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        Path dir = Files.createTempDirectory(Files.createDirectories(scratch), "bench-study-");

        Provenance prov = new Provenance("0.1.0-SNAPSHOT", "bench", System.getProperty("java.version"), "dl4j",
                "nd4j-native", "cpu", System.getProperty("os.name"), "bench-host");
        Random rnd = new Random(seed);
        // Pre-build the records so only storing is timed.
        List<TrialRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(trial(rnd, i, prov));
        }
        StudyInfo info = new StudyInfo("bench", "storage benchmark", seed, "", "", "running", Instant.now(), null,
                "StoreBench", prov);

        long t0 = System.nanoTime();
        try (StudyStore store = StudyStore.create(dir, info, durability)) {
            for (TrialRecord r : records) {
                store.putTrial(r);
            }
        }
        long t1 = System.nanoTime();
        long size = Files.size(StudyStore.studyFile(dir));

        long t2 = System.nanoTime();
        long count;
        String lastArch;
        try (StudyStore store = StudyStore.openForWriting(dir, durability)) {
            count = store.trialCount();
            lastArch = store.trial("trial-" + (n - 1)).orElseThrow().architecture();
        }
        long t3 = System.nanoTime();
        long t4 = System.nanoTime();
        int readAll;
        try (StudyStore store = StudyStore.openReadOnly(dir)) {
            readAll = store.trials().size();
        }
        long t5 = System.nanoTime();
        if (count != n || readAll != n || lastArch.isEmpty()) {
            throw new IllegalStateException("expected " + n + " trials, found " + count + "/" + readAll);
        }
        long t6 = System.nanoTime();
        StudyMaintenance.Compaction compaction = StudyMaintenance.compact(dir);
        long t7 = System.nanoTime();
        long t8 = System.nanoTime();
        try (StudyStore store = StudyStore.openForWriting(dir, durability)) {
            count = store.trialCount();
        }
        long t9 = System.nanoTime();
        double writeS = (t1 - t0) / 1e9;
        System.out.printf(Locale.ROOT, "trials               %d (50-point curves), durability %s%n", n, durability);
        System.out.printf(Locale.ROOT, "write                %.2f s, %.0f trials/s (one commit per trial)%n", writeS,
                n / writeS);
        System.out.printf(Locale.ROOT, "file size            %d bytes, %.0f bytes/trial%n", size, (double) size / n);
        System.out.printf(Locale.ROOT, "reopen (writer)      %.3f s (open, resume check, count, one lookup, close)%n",
                (t3 - t2) / 1e9);
        System.out.printf(Locale.ROOT, "read all (read-only) %.2f s, %.0f trials/s%n", (t5 - t4) / 1e9,
                n / ((t5 - t4) / 1e9));
        System.out.printf(Locale.ROOT, "compact              %.2f s, %d -> %d bytes, %.0f bytes/trial after%n",
                (t7 - t6) / 1e9, compaction.bytesBefore(), compaction.bytesAfter(),
                (double) compaction.bytesAfter() / n);
        System.out.printf(Locale.ROOT, "reopen compacted     %.3f s%n", (t9 - t8) / 1e9);
        System.out.printf(Locale.ROOT, "machine              %d cores, Java %s, %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), dir.getParent());
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static TrialRecord trial(Random rnd, int i, Provenance prov) {
        List<CurvePoint> curve = new ArrayList<>(50);
        double loss = 5.5;
        for (int p = 1; p <= 50; p++) {
            loss *= 0.97 + 0.02 * rnd.nextDouble();
            curve.add(new CurvePoint(p * 20L, p * 20L * 4096, p * 1.37 * (1 + rnd.nextDouble() * 0.01), loss,
                    p % 5 == 0 ? loss + 0.05 * rnd.nextDouble() : Double.NaN));
        }
        double l = 1 + rnd.nextDouble();
        TrialMetrics m = new TrialMetrics(l, l / Math.log(2), rnd.nextDouble(), 826_000, 530_000, 1_650_000,
                1.3e13 * rnd.nextDouble(), 1000, 4_096_000, 2.1, 580.0 * rnd.nextDouble(), 3.2, 7100.5, 1L << 31,
                3L << 30);
        Instant started = Instant.parse("2026-03-01T00:00:00Z").plusSeconds(i * 60L);
        return new TrialRecord("trial-" + i, "A4r F512g A4r F512g A4r F512g | d128 n128 pre", i % 3, rnd.nextLong(),
                Budget.steps(1000), i / 100, Origin.proposal("nsga2"), "worker-" + (i % 4) + "@bench-host", started,
                started.plusSeconds(600), new TrialResult(TrialStatus.COMPLETED, m, curve, "", prov));
    }
}
