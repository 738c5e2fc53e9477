package dev.sublayer.storage;

import dev.sublayer.trial.TrialResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link CrashSafetyTest}: opens a study for writing and writes trials (each first as
 * running, then finished) and a generation checkpoint every ten trials, printing {@code running KEY},
 * {@code done KEY} and {@code gen N} only after the call that stored it has returned (and, after each
 * generation, {@code compactions N}: the chunk compactions so far), until it is killed.
 *
 * <p>Arguments: {@code <study-dir> <first-index> <seed> <COMMIT|SYNC>}.
 */
public final class CrashWriter {

    private CrashWriter() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        StudyStore.Durability durability = StudyStore.Durability.valueOf(args[3]);
        PrintStream out = System.out;
        try (StudyStore store = StudyStore.openForWriting(dir, durability)) {
            // Compact far more often than in production, so kills also land during and after compactions.
            store.compactEvery(7);
            out.println("ready");
            out.flush();
            for (int i = first; i < first + 100_000; i++) {
                TrialRecord[] t = trial(seed, i);
                store.putTrial(t[0]);
                out.println("running " + t[0].key());
                out.flush();
                store.putTrial(t[1]);
                out.println("done " + t[1].key());
                out.flush();
                if (i % 10 == 9) {
                    store.putGeneration(generation(seed, i / 10));
                    out.println("gen " + i / 10);
                    out.println("compactions " + store.compactionsDone());
                    out.flush();
                }
            }
        }
    }

    /** Trial {@code i} of a run with this seed: {running, finished}. */
    static TrialRecord[] trial(long seed, int i) {
        Random rnd = new Random(seed * 1_000_003L + i);
        TrialRecord finished = Fixtures.finished(rnd, "t" + i, i / 10, i % 3, 50);
        TrialRecord running = TrialRecord.running(finished.key(), finished.architecture(), finished.rung(),
                finished.seed(), finished.budget(), finished.generation(), finished.origin(), finished.worker(),
                finished.started(), finished.result().provenance());
        TrialResult result = finished.result();
        return new TrialRecord[] {running, running.finish(result, finished.finished())};
    }

    static GenerationRecord generation(long seed, int g) {
        return Fixtures.generation(new Random(seed * 7_919L + g), g, 12);
    }
}
