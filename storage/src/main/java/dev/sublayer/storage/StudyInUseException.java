package dev.sublayer.storage;

import java.nio.file.Path;

/**
 * Another writer (another process, or another open store in this JVM) holds the study file. The message is
 * {@code study <dir> is in use by another process} (for a reader of a running study that has no snapshot yet,
 * with why); the CLI prints it as is and exits with status 2.
 */
public final class StudyInUseException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final transient Path studyDir;

    /** The study in {@code studyDir} is held by someone else. */
    public StudyInUseException(Path studyDir, Throwable cause) {
        super("study " + studyDir + " is in use by another process", cause);
        this.studyDir = studyDir;
    }

    private StudyInUseException(Path studyDir, String message) {
        super(message);
        this.studyDir = studyDir;
    }

    /**
     * A running study that cannot be read: its writer has published no snapshot for readers (it has just started,
     * or it is no search, e.g. a compaction or an older Sublayer).
     */
    public static StudyInUseException noSnapshot(Path studyDir) {
        return new StudyInUseException(studyDir, "study " + studyDir + " is in use by another process, which has "
                + "published no snapshot for readers (yet): try again in a few seconds");
    }

    /** The study directory that is in use. */
    public Path studyDir() {
        return studyDir;
    }
}
