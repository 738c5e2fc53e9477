package dev.sublayer.storage;

import dev.sublayer.trial.StrictJson;
import dev.sublayer.trial.TrialStatus;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * The trials of a store file: the {@code trials} map (insertion sequence number → trial JSON), the
 * {@code trial_summaries} map beside it, and the in-memory index of those summaries by key, in insertion
 * order, from which queries select without reading curves.
 *
 * <p>Writing is in two steps so that the index only ever reflects committed state: {@link #write} puts the
 * trial and its summary into the maps (uncommitted) and returns the summary; the caller hands it to
 * {@link #index} once the commit succeeded. Not thread-safe: its store serialises every call.
 */
final class TrialTable {

    private final StoreFile where;
    private final MVMap<Long, String> trials;
    private final MVMap<Long, String> summaries;
    /** In-memory index over {@link #summaries}, in insertion order; changed only after a commit succeeded. */
    private final LinkedHashMap<String, TrialSummary> byKey = new LinkedHashMap<>();

    TrialTable(StoreFile where, MVMap<Long, String> trials, MVMap<Long, String> summaries) {
        this.where = where;
        this.trials = trials;
        this.summaries = summaries;
    }

    /** Reads every summary into the index; refuses a file whose summaries and trials do not match. */
    void loadIndex() {
        Cursor<Long, String> c = summaries.cursor(null);
        while (c.hasNext()) {
            Long seq = c.next();
            TrialSummary sum;
            try {
                sum = TrialSummary.decode(seq, c.getValue());
            } catch (IllegalArgumentException e) {
                throw where.unreadable("trial_summaries/" + seq, e);
            }
            byKey.put(sum.key(), sum);
        }
        if (byKey.size() != trials.sizeAsLong()) {
            throw new StoreException("study file " + where.file() + " is damaged: " + byKey.size()
                    + " trial summaries for " + trials.sizeAsLong() + " trials");
        }
    }

    /**
     * Writes a trial and its summary without committing, in the place of the trial with the same key if there is
     * one, else after the last; returns the summary for {@link #index}.
     */
    TrialSummary write(TrialRecord t) {
        TrialSummary old = byKey.get(t.key());
        long seq;
        if (old != null) {
            seq = old.seq();
        } else {
            Long last = trials.lastKey();
            seq = last == null ? 0L : last + 1;
        }
        TrialSummary sum = TrialSummary.of(seq, t);
        trials.put(seq, StrictJson.text(StoreCodec.toNode(t)));
        summaries.put(seq, sum.encode());
        return sum;
    }

    /** Takes a written and committed summary into the index. */
    void index(TrialSummary sum) {
        byKey.put(sum.key(), sum);
    }

    /** Whether a trial with this key is stored. */
    boolean contains(String key) {
        return byKey.containsKey(key);
    }

    /** The trial with this key. */
    Optional<TrialRecord> get(String key) {
        TrialSummary sum = byKey.get(key);
        return sum == null ? Optional.empty() : Optional.of(read(sum.seq()));
    }

    /** Every trial, in insertion order. */
    List<TrialRecord> all() {
        return where.guard(() -> {
            List<TrialRecord> out = new ArrayList<>((int) Math.min(trials.sizeAsLong(), 1 << 20));
            Cursor<Long, String> c = trials.cursor(null);
            while (c.hasNext()) {
                Long seq = c.next();
                out.add(parse(seq, c.getValue()));
            }
            return out;
        });
    }

    /** Hands every trial to {@code action} in insertion order, reading one at a time. */
    void forEach(Consumer<? super TrialRecord> action) {
        where.guard(() -> {
            Cursor<Long, String> c = trials.cursor(null);
            while (c.hasNext()) {
                Long seq = c.next();
                action.accept(parse(seq, c.getValue()));
            }
            return null;
        });
    }

    /** The number of trials. */
    long count() {
        return trials.sizeAsLong();
    }

    /** The trials whose summary matches, in insertion order. */
    List<TrialRecord> select(Predicate<TrialSummary> which) {
        List<TrialRecord> out = new ArrayList<>();
        for (TrialSummary sum : byKey.values()) {
            if (which.test(sum)) {
                out.add(read(sum.seq()));
            }
        }
        return out;
    }

    /** How many trials have each status (every status present, zero where none). */
    Map<TrialStatus, Long> countsByStatus() {
        Map<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
        for (TrialStatus s : TrialStatus.values()) {
            counts.put(s, 0L);
        }
        for (TrialSummary sum : byKey.values()) {
            counts.merge(sum.status(), 1L, Long::sum);
        }
        return counts;
    }

    /** The keys of every trial, in insertion order. */
    List<String> keys() {
        return List.copyOf(byKey.keySet());
    }

    private TrialRecord read(long seq) {
        String json = where.guard(() -> trials.get(seq));
        if (json == null) {
            throw new StoreException("study file " + where.file() + " is damaged: trial summary points at missing "
                    + "trial #" + seq);
        }
        return parse(seq, json);
    }

    private TrialRecord parse(long seq, String json) {
        String path = "trials/" + seq;
        try {
            return StoreCodec.trialFromNode(where.parseStored(json, path), path);
        } catch (IllegalArgumentException e) {
            throw where.unreadable(path, e);
        }
    }
}
