package dev.sublayer.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusCheckTest {

    @TempDir
    Path tmp;

    private Path file(String name, int bytes) throws IOException {
        return Files.write(tmp.resolve(name), new byte[bytes]);
    }

    @Test
    void aFileLongEnoughForTheContextIsUsable() throws IOException {
        Path f = file("ok.txt", (int) CorpusCheck.minimumTextBytes(64));
        assertThat(CorpusCheck.problem("file:" + f, 64)).isEmpty();
        assertThat(CorpusCheck.problem("europarl", 4096)).isEmpty();
        assertThat(CorpusCheck.problem("mqar", 4)).isEmpty();
        assertThat(CorpusCheck.problem("facts:16384", 3)).isEmpty();
    }

    @Test
    void everyBadFileIsRefusedNamingThePathAndTheRule() throws IOException {
        Path missing = tmp.resolve("nope.txt");
        assertThat(CorpusCheck.problem("file:" + missing, 64)).contains("corpus 'file:" + missing
                + "': no such file " + missing);
        Path empty = file("empty.txt", 0);
        assertThat(CorpusCheck.problem("file:" + empty, 64)).contains("corpus 'file:" + empty + "': the file "
                + empty + " is empty");
        Path shorter = file("short.txt", 1319);
        assertThat(CorpusCheck.problem("file:" + shorter, 64)).contains("corpus 'file:" + shorter + "': the file "
                + shorter + " has 1,319 bytes, fewer than the 1,320 that context 64 needs (its 5% validation split "
                + "must hold context + 1 = 65 bytes); use a longer text or a shorter context");
        assertThat(CorpusCheck.problem("file:" + tmp, 64)).contains("corpus 'file:" + tmp + "': " + tmp
                + " is a directory, expected a text file");
        assertThat(CorpusCheck.problem("file:", 64)).contains("corpus 'file:': no file named, expected "
                + "file:/path/to/text");
        assertThatThrownBy(() -> CorpusCheck.require("file:" + missing, 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
    }

    @Test
    void unknownNamesAndProbeParametersOutOfRangeAreRefused() {
        assertThat(CorpusCheck.problem("wikitext", 64)).contains("unknown corpus 'wikitext', expected "
                + CorpusCheck.ALLOWED);
        assertThat(CorpusCheck.problem("facts:0", 64)).contains("corpus 'facts:0': facts table size must be in "
                + "[1, 16384], got 0");
        assertThat(CorpusCheck.problem("facts:16385", 64)).get().asString().contains("got 16385");
        assertThat(CorpusCheck.problem("facts:many", 64)).get().asString().contains("'many' is not a number");
        assertThat(CorpusCheck.problem("mqar", 3)).contains("corpus mqar needs context >= 4 (one pair and one "
                + "query), got 3");
        assertThat(CorpusCheck.problem("facts", 2)).contains("corpus facts needs context >= 3 (one triple), got 2");
        assertThat(CorpusCheck.factsCount("facts", 512)).isEqualTo(512);
        assertThat(CorpusCheck.factsCount("facts:64", 512)).isEqualTo(64);
    }

    @Test
    void fromTheMinimumOnBothSplitsHoldAWindowWhateverTheRounding() {
        for (int context = 1; context <= 300; context++) {
            long min = CorpusCheck.minimumTextBytes(context);
            for (long length = min; length < min + 200; length++) {
                int train = CorpusCheck.trainEnd((int) length);
                int validation = CorpusCheck.validationEnd((int) length) - train;
                assertThat(validation).as("context %d, length %d", context, length).isGreaterThanOrEqualTo(context + 1);
                assertThat(train).isGreaterThanOrEqualTo(context + 1);
            }
            // and it is not far above what the rounding needs: one byte of the split more than a window
            assertThat(min * CorpusCheck.VALIDATION_SHARE).isLessThanOrEqualTo(context + 2 + 1e-6);
        }
    }

    @Test
    void aRelativePathIsResolvedAgainstTheGivenFolderOtherNamesStay() {
        Path folder = tmp.resolve("studies");
        assertThat(CorpusCheck.isRelativeFile("file:data/x.txt")).isTrue();
        assertThat(CorpusCheck.isRelativeFile("file:/data/x.txt")).isFalse();
        assertThat(CorpusCheck.isRelativeFile("europarl")).isFalse();
        assertThat(CorpusCheck.resolve("file:data/../corpora/x.txt", folder))
                .isEqualTo("file:" + folder.resolve("corpora/x.txt"));
        assertThat(CorpusCheck.resolve("file:/abs/x.txt", folder)).isEqualTo("file:/abs/x.txt");
        assertThat(CorpusCheck.resolve("mqar", folder)).isEqualTo("mqar");
    }
}
