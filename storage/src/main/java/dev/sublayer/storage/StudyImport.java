package dev.sublayer.storage;

import dev.sublayer.trial.StrictJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/**
 * Rebuilds a study from a JSONL export ({@link StudyExport}) in a new directory. The new store has the same
 * info, trials (in the same order), generation checkpoints and events as the exported one; no event is
 * added. The store is built under a temporary name and renamed into place only when every line was read, so
 * a bad file leaves nothing behind (a directory created for it is removed again).
 */
public final class StudyImport {

    /**
     * What an import brought in.
     *
     * @param studyDir    the new study directory
     * @param trials      trials imported
     * @param generations generation checkpoints imported
     * @param events      events imported
     */
    public record Result(Path studyDir, long trials, long generations, long events) {
    }

    private StudyImport() {
    }

    /**
     * Imports the JSONL export {@code file} into the new study directory {@code newStudyDir}.
     *
     * @throws StoreException naming the line and field for a malformed export, an export of a newer schema,
     *                        a duplicate trial key, or a target that already holds a study
     */
    public static Result jsonl(Path file, Path newStudyDir) {
        Path src = file.toAbsolutePath().normalize();
        if (Files.isDirectory(src)) {
            throw new StoreException("cannot import " + src + ": it is a directory, expected a JSONL export file");
        }
        try (InputStream in = Files.newInputStream(src)) {
            return jsonl(in, src.toString(), newStudyDir);
        } catch (NoSuchFileException e) {
            throw new StoreException("cannot import " + src + ": the file does not exist", e);
        } catch (IOException e) {
            throw new StoreException("cannot import " + src + ": " + StoreFile.reason(e), e);
        }
    }

    /** Imports a JSONL export read from {@code in}; {@code source} names it in error messages. */
    public static Result jsonl(InputStream in, String source, Path newStudyDir) {
        Path dir = newStudyDir.toAbsolutePath().normalize();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                1 << 16);
        long[] counts = new long[3];
        StudyBuilder.buildNew(dir, "import into", store -> {
            try {
                read(r, source, store, counts);
            } catch (CharacterCodingException e) {
                throw new StoreException(source + ": not UTF-8 text", e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return new Result(dir, counts[0], counts[1], counts[2]);
    }

    private static void read(BufferedReader r, String source, StudyBuilder store, long[] counts) throws IOException {
        String line = r.readLine();
        long n = 1;
        if (line == null) {
            throw new StoreException(source + ": empty file, expected a Sublayer JSONL export");
        }
        JsonNode head = parse(line, source, n);
        if (!"study".equals(kind(head, source, n))) {
            throw new StoreException(source + ":1: the first line must be the study line (kind \"study\") of a "
                    + "Sublayer JSONL export, got kind \"" + kind(head, source, n) + "\"");
        }
        // The study line is a versioned document like every other line: one rule for all of them.
        at(source, n, () -> {
            StoreCodec.checkVersion(head, "");
            return null;
        });
        long schema = at(source, n, () -> StrictJson.longAt(head, "", "schema_version"));
        if (schema > StudyStore.SCHEMA_VERSION) {
            throw new StoreException(source + ":1: exported from store schema " + schema + ", newer than the "
                    + "schema " + StudyStore.SCHEMA_VERSION + " this Sublayer reads: import it with a newer Sublayer");
        }
        if (schema < 1) {
            throw new StoreException(source + ":1: /schema_version must be >= 1, got " + schema);
        }
        StudyInfo info = at(source, n, () -> StoreCodec.infoFromNode(StrictJson.field(head, "", "info"), "/info"));
        store.init(info);
        if (head.has("trial_key_version")) { // absent in exports of stores that did not record it (version 1)
            store.trialKeyVersion(at(source, n, () -> StrictJson.stringAt(head, "", "trial_key_version")));
        }
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = parse(line, source, n);
            String kind = kind(node, source, n);
            switch (kind) {
                case "trial" -> {
                    TrialRecord t = at(source, n, () -> StoreCodec.trialFromNode(node, ""));
                    if (!store.trial(t)) {
                        throw new StoreException(source + ":" + n + ": trial key '" + t.key() + "' appears twice");
                    }
                    counts[0]++;
                }
                case "generation" -> {
                    store.generation(at(source, n, () -> StoreCodec.generationFromNode(node, "")));
                    counts[1]++;
                }
                case "event" -> {
                    store.event(at(source, n, () -> StoreCodec.eventFromNode(node, "")));
                    counts[2]++;
                }
                case "study" -> throw new StoreException(source + ":" + n + ": a second study line; an export holds "
                        + "one study");
                default -> throw new StoreException(source + ":" + n + ": /kind must be one of [study, trial, "
                        + "generation, event], got \"" + kind + "\"");
            }
        }
    }

    private static JsonNode parse(String line, String source, long n) {
        try {
            return StrictJson.parse(line);
        } catch (IllegalArgumentException e) {
            throw new StoreException(source + ":" + n + ": " + StoreFile.firstLine(e.getMessage()), e);
        }
    }

    private static String kind(JsonNode node, String source, long n) {
        return at(source, n, () -> StrictJson.stringAt(node, "", "kind"));
    }

    private static <T> T at(String source, long n, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new StoreException(source + ":" + n + ": " + StoreFile.firstLine(e.getMessage()), e);
        }
    }
}
