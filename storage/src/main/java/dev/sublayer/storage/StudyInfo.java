package dev.sublayer.storage;

import dev.sublayer.trial.Provenance;
import dev.sublayer.trial.StudyStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a study is: its name, seed, configuration and lifecycle state. One per study store.
 *
 * @param name           the study name
 * @param description    free text, may be empty
 * @param seed           the study seed every random choice derives from
 * @param configAsGiven  the configuration text as the user wrote it
 * @param configResolved the configuration with every default filled in
 * @param status         lifecycle state as stored: a {@link StudyStatus}'s name, e.g. {@code running},
 *                       {@code finished}, {@code interrupted}
 * @param created        when the study was created
 * @param finished       when it finished, or {@code null} while it has not
 * @param command        the command line that started it
 * @param provenance     the software and machine that created it
 */
public record StudyInfo(
        String name,
        String description,
        long seed,
        String configAsGiven,
        String configResolved,
        String status,
        Instant created,
        Instant finished,
        String command,
        Provenance provenance) {

    public StudyInfo {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        configAsGiven = configAsGiven == null ? "" : configAsGiven;
        configResolved = configResolved == null ? "" : configResolved;
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(created, "created");
        command = command == null ? "" : command;
        Objects.requireNonNull(provenance, "provenance");
    }

    /** The lifecycle status, or empty when the stored text names none ({@link #status()} has it as stored). */
    public Optional<StudyStatus> studyStatus() {
        return StudyStatus.parse(status);
    }

    /** This info with another lifecycle status. */
    public StudyInfo withStatus(StudyStatus newStatus) {
        return withStatus(newStatus.configName());
    }

    /** This info with another lifecycle status text. */
    public StudyInfo withStatus(String newStatus) {
        return new StudyInfo(name, description, seed, configAsGiven, configResolved, newStatus, created, finished,
                command, provenance);
    }

    /** This info marked finished (or not, with {@code null}) at {@code time}. */
    public StudyInfo withFinished(Instant time) {
        return new StudyInfo(name, description, seed, configAsGiven, configResolved, status, created, time, command,
                provenance);
    }
}
