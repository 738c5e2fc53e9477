package dev.sublayer.storage;

import dev.sublayer.trial.TrialStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A {@link StudyStorage} held in memory, for tests and for embedding a search that needs no store file:
 * everything lasts as long as the object and is lost with the process. It keeps the
 * {@link StudyStorage} contract exactly as {@link StudyStore} does, events included, so a search run on it
 * stores what it would store in a file.
 *
 * <p>The values are kept as given (they are immutable). The {@link #directory()} is only where the search
 * writes its own files ({@code front.json}, trial checkpoints): it is created, and nothing of the store is
 * written there.
 *
 * <p><b>Sessions.</b> Like a study file, the data outlives a closed handle: {@link #reopenForWriting()}
 * continues the study as {@link StudyStore#openForWriting} does (trials still {@code RUNNING} become
 * {@code INTERRUPTED}, a {@code study_resumed} event is logged), and {@link #reopenReadOnly()} reads it.
 * One open handle at a time, as the file lock admits within one process: opening one while another is open
 * throws {@link StudyInUseException}.
 */
public final class InMemoryStudyStore implements StudyStorage {

    /** The study's data, shared by every handle opened on it; guarded by itself. */
    private static final class Data {
        final Path directory;
        StudyInfo info;
        /** Trials by key, in insertion order (a replaced key keeps its place). */
        final LinkedHashMap<String, TrialRecord> trials = new LinkedHashMap<>();
        final TreeMap<Integer, GenerationRecord> generations = new TreeMap<>();
        final List<StudyEvent> events = new ArrayList<>();
        boolean handleOpen;

        Data(Path directory, StudyInfo info) {
            this.directory = directory;
            this.info = info;
        }
    }

    private final Data data;
    private final boolean readOnly;
    private boolean closed;

    private InMemoryStudyStore(Data data, boolean readOnly) {
        this.data = data;
        this.readOnly = readOnly;
    }

    /**
     * A new study held in memory, open for writing, with a {@code study_created} event, as
     * {@link StudyStore#create} makes one on disk.
     *
     * @param directory where the study's own files go: made absolute and created if missing, as
     *                  {@link StudyStore#create} does, but the store writes nothing there
     * @throws StoreException if the directory cannot be created
     */
    public static InMemoryStudyStore create(Path directory, StudyInfo info) {
        Objects.requireNonNull(info, "info");
        Path dir = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create study " + dir + ": cannot create the directory: "
                    + StoreFile.reason(e), e);
        }
        Data d = new Data(dir, info);
        d.events.add(StudyEvent.studyCreated(info, Instant.now()));
        d.handleOpen = true;
        return new InMemoryStudyStore(d, false);
    }

    /**
     * Opens this study again for writing, as {@link StudyStore#openForWriting} opens a file: trials still
     * {@code RUNNING} are marked {@code INTERRUPTED} and a {@code study_resumed} event is logged.
     *
     * @throws StudyInUseException if a handle on this study is open
     */
    public InMemoryStudyStore reopenForWriting() {
        synchronized (data) {
            checkNoHandleOpen();
            Resumption r = Resumption.of(select(t -> t.status() == TrialStatus.RUNNING));
            r.interrupted().forEach(t -> data.trials.put(t.key(), t));
            data.events.add(r.event());
            r.warnIfInterrupted(data.directory);
            data.handleOpen = true;
            return new InMemoryStudyStore(data, false);
        }
    }

    /**
     * Opens this study again for reading only, as {@link StudyStore#openReadOnly} opens a file.
     *
     * @throws StudyInUseException if a handle on this study is open
     */
    public InMemoryStudyStore reopenReadOnly() {
        synchronized (data) {
            checkNoHandleOpen();
            data.handleOpen = true;
            return new InMemoryStudyStore(data, true);
        }
    }

    private void checkNoHandleOpen() {
        if (data.handleOpen) {
            throw new StudyInUseException(data.directory, null);
        }
    }

    @Override
    public Path directory() {
        return data.directory;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public StudyInfo info() {
        return read(d -> d.info);
    }

    @Override
    public void updateInfo(StudyInfo newInfo) {
        Objects.requireNonNull(newInfo, "newInfo");
        write(d -> d.info = newInfo);
    }

    @Override
    public void putTrial(TrialRecord trial) {
        StudyEvent e = StudyEvent.trialStored(trial);
        write(d -> {
            d.trials.put(trial.key(), trial);
            d.events.add(e);
        });
    }

    @Override
    public Optional<TrialRecord> trial(String key) {
        return read(d -> Optional.ofNullable(d.trials.get(key)));
    }

    @Override
    public List<TrialRecord> trials() {
        return read(d -> new ArrayList<>(d.trials.values()));
    }

    @Override
    public void forEachTrial(Consumer<? super TrialRecord> action) {
        trials().forEach(action);
    }

    @Override
    public long trialCount() {
        return read(d -> (long) d.trials.size());
    }

    @Override
    public List<TrialRecord> trials(TrialStatus status) {
        return selectOpen(t -> t.status() == status);
    }

    @Override
    public List<TrialRecord> trialsOfGeneration(int generation) {
        return selectOpen(t -> t.generation() == generation);
    }

    @Override
    public List<TrialRecord> completedAtRung(int rung) {
        return selectOpen(t -> t.rung() == rung && t.status() == TrialStatus.COMPLETED);
    }

    @Override
    public Map<TrialStatus, Long> countsByStatus() {
        return read(d -> {
            Map<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
            for (TrialStatus s : TrialStatus.values()) {
                counts.put(s, 0L);
            }
            for (TrialRecord t : d.trials.values()) {
                counts.merge(t.status(), 1L, Long::sum);
            }
            return counts;
        });
    }

    @Override
    public List<String> trialKeys() {
        return read(d -> List.copyOf(d.trials.keySet()));
    }

    @Override
    public void putGeneration(GenerationRecord generation) {
        StudyEvent e = StudyEvent.generationDone(generation);
        write(d -> {
            d.generations.put(generation.generation(), generation);
            d.events.add(e);
        });
    }

    @Override
    public List<GenerationRecord> generations() {
        return read(d -> new ArrayList<>(d.generations.values()));
    }

    @Override
    public Optional<GenerationRecord> lastGeneration() {
        return read(d -> d.generations.isEmpty() ? Optional.empty() : Optional.of(d.generations.lastEntry().getValue()));
    }

    @Override
    public long generationCount() {
        return read(d -> (long) d.generations.size());
    }

    @Override
    public void logEvent(String type, String message) {
        StudyEvent e = new StudyEvent(Instant.now(), type, message);
        write(d -> d.events.add(e));
    }

    @Override
    public List<StudyEvent> events() {
        return read(d -> new ArrayList<>(d.events));
    }

    @Override
    public long eventCount() {
        return read(d -> (long) d.events.size());
    }

    /** Closes this handle (the data stays, for {@link #reopenForWriting()}); closing twice is harmless. */
    @Override
    public void close() {
        synchronized (data) {
            if (closed) {
                return;
            }
            closed = true;
            data.handleOpen = false;
        }
    }

    private List<TrialRecord> selectOpen(Predicate<TrialRecord> which) {
        return read(d -> select(which));
    }

    private List<TrialRecord> select(Predicate<TrialRecord> which) {
        List<TrialRecord> out = new ArrayList<>();
        for (TrialRecord t : data.trials.values()) {
            if (which.test(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Reads under the lock of a handle still open. */
    private <T> T read(Function<Data, T> query) {
        synchronized (data) {
            checkOpen();
            return query.apply(data);
        }
    }

    /** Changes the data under the lock of a handle open for writing. */
    private void write(Consumer<Data> change) {
        synchronized (data) {
            checkWritable();
            change.accept(data);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("study " + data.directory + " is closed");
        }
    }

    private void checkWritable() {
        checkOpen();
        if (readOnly) {
            throw new StoreException("study " + data.directory + " was opened read-only");
        }
    }
}
