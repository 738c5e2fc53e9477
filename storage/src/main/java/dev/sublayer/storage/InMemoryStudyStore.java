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
        synchronized (data) {
            checkOpen();
            return data.info;
        }
    }

    @Override
    public void updateInfo(StudyInfo newInfo) {
        Objects.requireNonNull(newInfo, "newInfo");
        synchronized (data) {
            checkWritable();
            data.info = newInfo;
        }
    }

    @Override
    public void putTrial(TrialRecord trial) {
        StudyEvent e = StudyEvent.trialStored(trial);
        synchronized (data) {
            checkWritable();
            data.trials.put(trial.key(), trial);
            data.events.add(e);
        }
    }

    @Override
    public Optional<TrialRecord> trial(String key) {
        synchronized (data) {
            checkOpen();
            return Optional.ofNullable(data.trials.get(key));
        }
    }

    @Override
    public List<TrialRecord> trials() {
        synchronized (data) {
            checkOpen();
            return new ArrayList<>(data.trials.values());
        }
    }

    @Override
    public void forEachTrial(Consumer<? super TrialRecord> action) {
        trials().forEach(action);
    }

    @Override
    public long trialCount() {
        synchronized (data) {
            checkOpen();
            return data.trials.size();
        }
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
        synchronized (data) {
            checkOpen();
            Map<TrialStatus, Long> counts = new EnumMap<>(TrialStatus.class);
            for (TrialStatus s : TrialStatus.values()) {
                counts.put(s, 0L);
            }
            for (TrialRecord t : data.trials.values()) {
                counts.merge(t.status(), 1L, Long::sum);
            }
            return counts;
        }
    }

    @Override
    public List<String> trialKeys() {
        synchronized (data) {
            checkOpen();
            return List.copyOf(data.trials.keySet());
        }
    }

    @Override
    public void putGeneration(GenerationRecord generation) {
        StudyEvent e = StudyEvent.generationDone(generation);
        synchronized (data) {
            checkWritable();
            data.generations.put(generation.generation(), generation);
            data.events.add(e);
        }
    }

    @Override
    public List<GenerationRecord> generations() {
        synchronized (data) {
            checkOpen();
            return new ArrayList<>(data.generations.values());
        }
    }

    @Override
    public Optional<GenerationRecord> lastGeneration() {
        synchronized (data) {
            checkOpen();
            return data.generations.isEmpty() ? Optional.empty() : Optional.of(data.generations.lastEntry().getValue());
        }
    }

    @Override
    public long generationCount() {
        synchronized (data) {
            checkOpen();
            return data.generations.size();
        }
    }

    @Override
    public void logEvent(String type, String message) {
        StudyEvent e = new StudyEvent(Instant.now(), type, message);
        synchronized (data) {
            checkWritable();
            data.events.add(e);
        }
    }

    @Override
    public List<StudyEvent> events() {
        synchronized (data) {
            checkOpen();
            return new ArrayList<>(data.events);
        }
    }

    @Override
    public long eventCount() {
        synchronized (data) {
            checkOpen();
            return data.events.size();
        }
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
        synchronized (data) {
            checkOpen();
            return select(which);
        }
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
