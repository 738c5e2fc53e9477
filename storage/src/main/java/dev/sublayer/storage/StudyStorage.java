package dev.sublayer.storage;

import dev.sublayer.trial.TrialMetrics;
import dev.sublayer.trial.TrialStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * What a search, a report or a tool needs of the storage of one study: its {@link StudyInfo}, its trials, its
 * generation checkpoints and its event log. A new kind of storage is one class implementing this interface;
 * how it is opened, and what it offers beyond this (files, compaction, export), is its own.
 *
 * <p>Implementations: {@link StudyStore}, the MVStore file every study on disk uses, and
 * {@link InMemoryStudyStore}, for tests and for embedding a search that needs no file.
 *
 * <p><b>Contract</b> (every implementation; {@code StudyStorageContract} in the tests checks both):
 * <ul>
 *   <li>A mutating call ({@link #putTrial}, {@link #putGeneration}, {@link #logEvent}, {@link #updateInfo}) is
 *       atomic: afterwards every reader sees all of its effects, and if it throws, none of them.</li>
 *   <li>Trials are keyed by {@link TrialRecord#key()}: storing a key again replaces the trial and keeps its
 *       place in insertion order, which every list of trials follows.</li>
 *   <li>The storage writes some events itself, in the same unit as the call that causes them:
 *       {@code trial_started} (a trial stored as {@code RUNNING}), {@code trial_finished} or
 *       {@code trial_interrupted} (one stored in a terminal state), {@code generation_done} (by
 *       {@link #putGeneration}); and {@code study_created} when a study is created. Callers add their own
 *       with {@link #logEvent}.</li>
 *   <li>Generation checkpoints are keyed by generation number (a number stored again is replaced) and listed
 *       by number; events are listed oldest first.</li>
 *   <li>Values are immutable: what a read returns equals what was stored and is not affected by later
 *       writes.</li>
 *   <li>A storage opened read-only refuses every mutation, and after {@link #close()} every call but
 *       {@code close}, {@link #directory()} and {@link #isReadOnly()} throws; both with a
 *       {@link StoreException}.</li>
 *   <li>Methods are thread-safe.</li>
 * </ul>
 * How long anything lasts (a commit to a file, forced to the disk, or only as long as the process) is the
 * implementation's to state.
 */
public interface StudyStorage extends AutoCloseable {

    /**
     * The study directory (absolute, existing): where the study's files live beside the storage (the search
     * writes {@code front.json} and trial checkpoints there).
     */
    Path directory();

    /** Whether this storage was opened read-only. */
    boolean isReadOnly();

    // ------------------------------------------------------------------ the study

    /** The study info. */
    StudyInfo info();

    /** Replaces the study info (e.g. status, finished time). */
    void updateInfo(StudyInfo newInfo);

    // ------------------------------------------------------------------ trials

    /**
     * Inserts a trial or replaces the trial with the same key (keeping its place in insertion order). A trial
     * stored as {@code RUNNING} also logs a {@code trial_started} event and one stored in a terminal state a
     * {@code trial_finished} (or {@code trial_interrupted}) event, in the same unit: callers need not log those
     * themselves.
     */
    void putTrial(TrialRecord trial);

    /** The trial with this key. */
    Optional<TrialRecord> trial(String key);

    /** Every trial, in the order their keys were first stored. */
    List<TrialRecord> trials();

    /** Hands every trial to {@code action} in insertion order (an implementation may read one at a time). */
    void forEachTrial(Consumer<? super TrialRecord> action);

    /** The number of trials. */
    long trialCount();

    /** The trials with this status, in insertion order. */
    List<TrialRecord> trials(TrialStatus status);

    /** The trials asked for by this generation, in insertion order. */
    List<TrialRecord> trialsOfGeneration(int generation);

    /** The {@code COMPLETED} trials at this rung, in insertion order. */
    List<TrialRecord> completedAtRung(int rung);

    /** How many trials have each status (every status present, zero where none). */
    Map<TrialStatus, Long> countsByStatus();

    /** The keys of every trial, in insertion order. */
    List<String> trialKeys();

    /** The first {@code COMPLETED} trial that is smallest by {@code order}; empty if none completed. */
    default Optional<TrialRecord> best(java.util.Comparator<? super TrialRecord> order) {
        TrialRecord best = null;
        for (TrialRecord t : trials(TrialStatus.COMPLETED)) {
            if (best == null || order.compare(t, best) < 0) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The {@code COMPLETED} trial with the smallest value of {@code objective} (to be minimised, e.g.
     * {@link TrialMetrics#validBitsPerByte()}); trials whose value is {@code NaN} are skipped, ties go to the
     * earliest.
     */
    default Optional<TrialRecord> bestBy(ToDoubleFunction<? super TrialMetrics> objective) {
        TrialRecord best = null;
        double bestValue = Double.NaN;
        for (TrialRecord t : trials(TrialStatus.COMPLETED)) {
            double v = objective.applyAsDouble(t.result().metrics());
            if (!Double.isNaN(v) && (best == null || v < bestValue)) {
                best = t;
                bestValue = v;
            }
        }
        return Optional.ofNullable(best);
    }

    // ------------------------------------------------------------------ generations

    /**
     * Stores a generation checkpoint (replacing one with the same number) and logs a {@code generation_done}
     * event, in one unit.
     */
    void putGeneration(GenerationRecord generation);

    /** Every generation checkpoint, by generation number. */
    List<GenerationRecord> generations();

    /** The checkpoint with the highest generation number. */
    Optional<GenerationRecord> lastGeneration();

    /** The number of generation checkpoints. */
    long generationCount();

    // ------------------------------------------------------------------ events

    /** Appends an event (time now). */
    void logEvent(String type, String message);

    /** The event log, oldest first. */
    List<StudyEvent> events();

    /** The number of events in the log. */
    long eventCount();

    /** Releases the storage (for a writer: after making everything durable that the implementation keeps). */
    @Override
    void close();
}
