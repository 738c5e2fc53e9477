package dev.sublayer.evaluator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules a corpus name must pass before anything trains on it, checked from the name and, for a text file,
 * the file's type and size (its content is not read). A study checks its corpus when its config is read and
 * {@code evaluate} before it trains, so a bad corpus is refused before a study exists or anything is spent; the
 * evaluator's tasks split texts by {@link #trainEnd} and {@link #validationEnd}, the rule checked here.
 *
 * <ul>
 *   <li>{@code europarl}: always usable (the evaluator verifies its checksum when it loads it).</li>
 *   <li>{@code file:/path}: a regular, readable file of at least {@link #minimumTextBytes} bytes for the context
 *       (its training and validation splits must each hold a window of context + 1 bytes) and at most
 *       {@value #MAX_TEXT_BYTES} (a text is held in one array). A relative path is read from the working
 *       directory unless it was {@link #resolve resolved} against another folder first.</li>
 *   <li>{@code mqar}: a context of at least {@value #MQAR_MIN_CONTEXT} (one key–value pair and one query).</li>
 *   <li>{@code facts} or {@code facts:N}: N in [1, {@value #MAX_FACTS}], a context of at least
 *       {@value #FACTS_MIN_CONTEXT} (one subject–object triple).</li>
 * </ul>
 */
public final class CorpusCheck {

    /** The Europarl corpus. */
    public static final String EUROPARL = "europarl";
    /** The associative-recall probe. */
    public static final String MQAR = "mqar";
    /** The fact-table probe ({@code facts:N} sets its table size). */
    public static final String FACTS = "facts";
    /** The prefix of a text file corpus. */
    public static final String FILE_PREFIX = "file:";
    /** What a corpus name may be, for error messages. */
    public static final String ALLOWED = "europarl, file:/path/to/text, mqar, facts or facts:<count>";

    /** Share of a text used for training (the first part). */
    public static final double TRAIN_SHARE = 0.90;
    /** Share of a text used for validation (the part after training); the last 5% is held out. */
    public static final double VALIDATION_SHARE = 0.05;
    /** The largest text file a corpus may be: texts are read into one byte array. */
    public static final long MAX_TEXT_BYTES = Integer.MAX_VALUE - 8;
    /** The largest fact table. */
    public static final int MAX_FACTS = 128 * 128;
    /** The shortest context the mqar probe works with. */
    public static final int MQAR_MIN_CONTEXT = 4;
    /** The shortest context the facts probe works with. */
    public static final int FACTS_MIN_CONTEXT = 3;

    private CorpusCheck() {
    }

    /** Whether {@code corpus} names a text file by a relative path. */
    public static boolean isRelativeFile(String corpus) {
        String name = corpus.strip();
        return name.startsWith(FILE_PREFIX) && !Path.of(name.substring(FILE_PREFIX.length())).isAbsolute();
    }

    /**
     * The corpus with a relative file path resolved against {@code folder} and normalised ({@code file:/abs});
     * any other name unchanged.
     */
    public static String resolve(String corpus, Path folder) {
        if (!isRelativeFile(corpus)) {
            return corpus;
        }
        Path relative = Path.of(corpus.strip().substring(FILE_PREFIX.length()));
        return FILE_PREFIX + folder.toAbsolutePath().resolve(relative).normalize();
    }

    /**
     * The table size of a {@code facts} or {@code facts:N} corpus.
     *
     * @param defaultFacts the size of plain {@code facts}
     * @throws IllegalArgumentException naming the corpus and the range when N is not a number in range
     */
    public static int factsCount(String corpus, int defaultFacts) {
        String name = corpus.strip();
        if (name.equals(FACTS)) {
            return defaultFacts;
        }
        String count = name.substring((FACTS + ":").length());
        int n;
        try {
            n = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("corpus '" + corpus + "': fact count '" + count
                    + "' is not a number, expected facts:<count> with count in [1, " + MAX_FACTS + "]");
        }
        if (n < 1 || n > MAX_FACTS) {
            throw new IllegalArgumentException("corpus '" + corpus + "': facts table size must be in [1, "
                    + MAX_FACTS + "], got " + n);
        }
        return n;
    }

    /**
     * Checks that {@code corpus} can feed sequences of {@code context} tokens.
     *
     * @throws IllegalArgumentException naming the corpus (and file) and the rule it breaks
     */
    public static void require(String corpus, int context) {
        Optional<String> p = problem(corpus, context);
        if (p.isPresent()) {
            throw new IllegalArgumentException(p.get());
        }
    }

    /** What makes {@code corpus} unusable for sequences of {@code context} tokens, or empty when it is usable. */
    public static Optional<String> problem(String corpus, int context) {
        String name = corpus.strip();
        if (name.equals(EUROPARL)) {
            return Optional.empty();
        }
        if (name.equals(MQAR)) {
            return context < MQAR_MIN_CONTEXT ? Optional.of("corpus mqar needs context >= " + MQAR_MIN_CONTEXT
                    + " (one pair and one query), got " + context) : Optional.empty();
        }
        if (name.equals(FACTS) || name.startsWith(FACTS + ":")) {
            try {
                factsCount(name, 1);
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
            return context < FACTS_MIN_CONTEXT ? Optional.of("corpus " + name + " needs context >= "
                    + FACTS_MIN_CONTEXT + " (one triple), got " + context) : Optional.empty();
        }
        if (name.startsWith(FILE_PREFIX)) {
            return fileProblem(name, context);
        }
        return Optional.of("unknown corpus '" + corpus + "', expected " + ALLOWED);
    }

    private static Optional<String> fileProblem(String name, int context) {
        String given = name.substring(FILE_PREFIX.length());
        if (given.isBlank()) {
            return Optional.of("corpus '" + name + "': no file named, expected file:/path/to/text");
        }
        Path path = Path.of(given).toAbsolutePath();
        String what = "corpus '" + name + "': ";
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return Optional.of(what + (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                    ? "cannot read " + path + " (" + e.getClass().getSimpleName() + " " + e.getMessage() + ")"
                    : "no such file " + path));
        }
        if (attributes.isDirectory()) {
            return Optional.of(what + path + " is a directory, expected a text file");
        }
        if (!attributes.isRegularFile()) {
            return Optional.of(what + path + " is not a regular file, expected a text file");
        }
        if (!Files.isReadable(path)) {
            return Optional.of(what + "cannot read " + path + " (permission denied)");
        }
        long size = attributes.size();
        if (size == 0) {
            return Optional.of(what + "the file " + path + " is empty");
        }
        if (size > MAX_TEXT_BYTES) {
            return Optional.of(String.format(Locale.ROOT, "%sthe file %s has %,d bytes, more than the %,d a text "
                    + "corpus may have (it is read into memory)", what, path, size, MAX_TEXT_BYTES));
        }
        long minimum = minimumTextBytes(context);
        if (size < minimum) {
            return Optional.of(String.format(Locale.ROOT, "%sthe file %s has %,d bytes, fewer than the %,d that "
                    + "context %d needs (its %.0f%% validation split must hold context + 1 = %d bytes); use a "
                    + "longer text or a shorter context", what, path, size, minimum, context, VALIDATION_SHARE * 100,
                    context + 1));
        }
        return Optional.empty();
    }

    /**
     * The fewest bytes a text corpus needs for sequences of {@code context} tokens: from this length on, its
     * validation split ({@link #VALIDATION_SHARE} of the text) and, the larger, its training split each hold at
     * least one window of {@code context + 1} bytes, whatever the rounding of the split points.
     */
    public static long minimumTextBytes(int context) {
        if (context < 1) {
            throw new IllegalArgumentException("context must be >= 1, got " + context);
        }
        // (context + 2) / share: the split points are rounded down, which loses at most one byte of the split.
        return (long) Math.ceil((context + 2L) / VALIDATION_SHARE - 1e-6);
    }

    /** The first byte after the training split of a text of {@code length} bytes. */
    public static int trainEnd(int length) {
        return (int) (length * TRAIN_SHARE);
    }

    /** The first byte after the validation split of a text of {@code length} bytes. */
    public static int validationEnd(int length) {
        return (int) (length * (TRAIN_SHARE + VALIDATION_SHARE));
    }
}
