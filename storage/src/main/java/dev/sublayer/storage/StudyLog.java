package dev.sublayer.storage;

import dev.sublayer.trial.StrictJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * The two logs of a store file: the generation checkpoints ({@code generations}, keyed by generation number,
 * offset so that negative numbers sort first) and the event log ({@code events}, keyed by sequence number).
 * Writes are not committed here: the store commits each call's writes as one unit. Not thread-safe: its
 * store serialises every call.
 */
final class StudyLog {

    private final StoreFile where;
    private final MVMap<Long, String> generations;
    private final MVMap<Long, String> events;

    StudyLog(StoreFile where, MVMap<Long, String> generations, MVMap<Long, String> events) {
        this.where = where;
        this.generations = generations;
        this.events = events;
    }

    // ================================================================== generations

    /** Writes a generation checkpoint, replacing the one with the same number. */
    void putGeneration(GenerationRecord g) {
        generations.put(sortable(g.generation()), StrictJson.text(StoreCodec.toNode(g)));
    }

    /** Every generation checkpoint, by generation number. */
    List<GenerationRecord> generations() {
        return where.guard(() -> {
            List<GenerationRecord> out = new ArrayList<>();
            Cursor<Long, String> c = generations.cursor(null);
            while (c.hasNext()) {
                Long k = c.next();
                out.add(parseGeneration(k, c.getValue()));
            }
            return out;
        });
    }

    /** The checkpoint with the highest generation number. */
    Optional<GenerationRecord> lastGeneration() {
        return where.guard(() -> {
            Long k = generations.lastKey();
            return k == null ? Optional.empty() : Optional.of(parseGeneration(k, generations.get(k)));
        });
    }

    /** The number of generation checkpoints. */
    long generationCount() {
        return generations.sizeAsLong();
    }

    private GenerationRecord parseGeneration(long k, String json) {
        String path = "generations/" + (k + Integer.MIN_VALUE);
        try {
            return StoreCodec.generationFromNode(where.parseStored(json, path), path);
        } catch (IllegalArgumentException e) {
            throw where.unreadable(path, e);
        }
    }

    private static long sortable(int generation) {
        return (long) generation - Integer.MIN_VALUE;
    }

    // ================================================================== events

    /** Appends an event after the last one. */
    void append(StudyEvent e) {
        Long last = events.lastKey();
        events.put(last == null ? 0L : last + 1, StrictJson.text(StoreCodec.toNode(e)));
    }

    /** The event log, oldest first. */
    List<StudyEvent> events() {
        return where.guard(() -> {
            List<StudyEvent> out = new ArrayList<>();
            Cursor<Long, String> c = events.cursor(null);
            while (c.hasNext()) {
                Long k = c.next();
                String path = "events/" + k;
                try {
                    out.add(StoreCodec.eventFromNode(where.parseStored(c.getValue(), path), path));
                } catch (IllegalArgumentException e) {
                    throw where.unreadable(path, e);
                }
            }
            return out;
        });
    }

    /** The number of events. */
    long eventCount() {
        return events.sizeAsLong();
    }
}
