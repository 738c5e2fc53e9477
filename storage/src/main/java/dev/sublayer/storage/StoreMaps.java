package dev.sublayer.storage;

import java.util.List;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * The maps of a study store, schema {@value StudyStore#SCHEMA_VERSION} (see storage/README.md): {@code meta}
 * (format, schema version), {@code info} (the {@link StudyInfo}), {@code trials} (insertion sequence number →
 * trial JSON), {@code trial_summaries} (sequence number → {@link TrialSummary}), {@code generations}
 * (generation, offset to sort negatives → checkpoint JSON) and {@code events} (sequence number → event JSON).
 */
record StoreMaps(
        MVMap<String, String> meta,
        MVMap<String, String> info,
        MVMap<Long, String> trials,
        MVMap<Long, String> summaries,
        MVMap<Long, String> generations,
        MVMap<Long, String> events) {

    /** Every map name; a file that lacks one is not a study store. */
    static final List<String> NAMES = List.of("meta", "info", "trials", "trial_summaries", "generations", "events");

    /** The maps of {@code s}, created where missing (only ever in a writable, new file). */
    static StoreMaps open(MVStore s) {
        return new StoreMaps(stringMap(s, "meta"), stringMap(s, "info"), longMap(s, "trials"),
                longMap(s, "trial_summaries"), longMap(s, "generations"), longMap(s, "events"));
    }

    /**
     * Copies every entry into the (empty) maps of {@code to}, values as stored, calling {@code tick} after each
     * entry so the caller can bound what is held uncommitted.
     */
    void copyTo(StoreMaps to, Runnable tick) {
        copy(meta, to.meta, tick);
        copy(info, to.info, tick);
        copy(trials, to.trials, tick);
        copy(summaries, to.summaries, tick);
        copy(generations, to.generations, tick);
        copy(events, to.events, tick);
    }

    private static <K, V> void copy(MVMap<K, V> from, MVMap<K, V> to, Runnable tick) {
        Cursor<K, V> c = from.cursor(null);
        while (c.hasNext()) {
            K k = c.next();
            to.put(k, c.getValue());
            tick.run();
        }
    }

    private static MVMap<String, String> stringMap(MVStore s, String name) {
        return s.openMap(name, new MVMap.Builder<String, String>()
                .keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE));
    }

    private static MVMap<Long, String> longMap(MVStore s, String name) {
        return s.openMap(name, new MVMap.Builder<Long, String>()
                .keyType(LongDataType.INSTANCE).valueType(StringDataType.INSTANCE));
    }
}
