package dev.sublayer.storage;

import java.nio.file.Path;

/**
 * Another writer (another process, or another open store in this JVM) holds the study file. The message is
 * {@code study <dir> is in use by another process}; the CLI prints it as is and exits with status 2.
 */
public final class StudyInUseException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final transient Path studyDir;

    /** The study in {@code studyDir} is held by someone else. */
    public StudyInUseException(Path studyDir, Throwable cause) {
        super("study " + studyDir + " is in use by another process", cause);
        this.studyDir = studyDir;
    }

    /** The study directory that is in use. */
    public Path studyDir() {
        return studyDir;
    }
}
