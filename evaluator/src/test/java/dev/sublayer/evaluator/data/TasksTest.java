package dev.sublayer.evaluator.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TasksTest {

    @Test
    void europarlComesFromTheClasspathWithItsChecksum() {
        TextTask t = Tasks.europarl();
        assertThat(t.text()).hasSize(21_012_848);
        assertThat(Tasks.sha256(t.text())).isEqualTo(Tasks.EUROPARL_SHA256);
        assertThat(t.trainEnd()).isEqualTo((int) (21_012_848 * 0.9));
        assertThat(Tasks.of("europarl", 0)).isSameAs(t);
    }

    /** A text whose bytes say which split they are in: train 'a'..'e', validation 'V', test 'T'. */
    private static TextTask marked(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i < (int) (length * 0.9) ? 'a' + i % 5 : i < (int) (length * 0.95) ? 'V' : 'T');
        }
        return new TextTask("marked", b);
    }

    @Test
    void trainingBatchesComeFromTheTrainingSplitAndDependOnlyOnSeedAndStep() {
        TextTask t = marked(20_000);
        Batch a = t.trainBatch(7, 3, 4, 16);
        Batch again = t.trainBatch(7, 3, 4, 16);
        Batch next = t.trainBatch(7, 4, 4, 16);
        Batch otherSeed = t.trainBatch(8, 3, 4, 16);
        assertThat(a.inputs()).isDeepEqualTo(again.inputs());
        assertThat(java.util.Arrays.deepEquals(a.inputs(), next.inputs())).isFalse();
        assertThat(java.util.Arrays.deepEquals(a.inputs(), otherSeed.inputs())).isFalse();
        for (int step = 0; step < 50; step++) {
            Batch b = t.trainBatch(1, step, 8, 16);
            for (int s = 0; s < b.size(); s++) {
                for (int p = 0; p < b.context(); p++) {
                    assertThat(b.inputs()[s][p]).isBetween((int) 'a', (int) 'e');
                    assertThat(b.targets()[s][p]).isBetween((int) 'a', (int) 'e');
                    assertThat(b.targets()[s][p]).isEqualTo('a' + (b.inputs()[s][p] - 'a' + 1) % 5);
                    assertThat(b.weights()[s][p]).isEqualTo(1f);
                }
            }
        }
    }

    @Test
    void validationBatchesComeFromTheValidationSplitAndOnlyFromTheDataSeed() {
        TextTask t = marked(20_000);
        List<Batch> v = t.validationBatches(4, 16, 3, 42);
        assertThat(v).hasSize(3);
        for (Batch b : v) {
            for (int[] row : b.inputs()) {
                for (int x : row) {
                    assertThat(x).isEqualTo('V');
                }
            }
        }
        TextTask real = Tasks.europarl();
        List<Batch> v1 = real.validationBatches(4, 16, 3, 42);
        List<Batch> v2 = real.validationBatches(4, 16, 3, 42);
        List<Batch> v3 = real.validationBatches(4, 16, 3, 43);
        for (int i = 0; i < 3; i++) {
            assertThat(v1.get(i).inputs()).isDeepEqualTo(v2.get(i).inputs());
        }
        assertThat(java.util.Arrays.deepEquals(v1.get(0).inputs(), v3.get(0).inputs())).isFalse();
    }

    @Test
    void aTooShortTextIsRefusedNamingTheSplit() {
        TextTask t = marked(100);
        assertThatThrownBy(() -> t.validationBatches(1, 16, 1, 0))
                .hasMessageContaining("corpus marked").hasMessageContaining("validation split has 5 bytes");
    }

    @Test
    void fileCorpusReadsRawBytes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "hello world ".repeat(100), StandardCharsets.UTF_8);
        Task t = Tasks.of("file:" + f, 0);
        assertThat(t.name()).isEqualTo("file:" + f);
        assertThat(((TextTask) t).text()).hasSize(1200);
    }

    @Test
    void badCorpusNamesAreRefusedInOneLine(@TempDir Path dir) {
        assertThatThrownBy(() -> Tasks.of("wikitext", 0))
                .hasMessage("unknown corpus 'wikitext', expected " + Tasks.ALLOWED);
        assertThatThrownBy(() -> Tasks.of("file:" + dir.resolve("missing.txt"), 0))
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> Tasks.of("facts:many", 0)).hasMessageContaining("'many' is not a number");
        assertThatThrownBy(() -> Tasks.of("facts:0", 0)).hasMessageContaining("[1, 16384], got 0");
    }

    @Test
    void mqarAnswersAreTheValuesListedEarlierInTheSameSequence() {
        Task t = Tasks.of("mqar", 0);
        for (int context : new int[] {4, 8, 16, 128}) {
            Batch b = t.trainBatch(3, 0, 16, context);
            int answers = 0;
            for (int s = 0; s < b.size(); s++) {
                Map<Integer, Integer> listed = new HashMap<>();
                int pairs = MqarTask.pairs(context);
                int[] seq = b.inputs()[s];
                for (int i = 0; i + 1 < 2 * pairs && i + 1 < context; i += 2) {
                    listed.put(seq[i], seq[i + 1]);
                }
                for (int p = 0; p < context; p++) {
                    if (b.weights()[s][p] == 1f) {
                        answers++;
                        assertThat(p).isGreaterThanOrEqualTo(2 * pairs);
                        assertThat(seq[p]).isLessThan(MqarTask.KEY_VOCAB);
                        assertThat(b.targets()[s][p]).isEqualTo(listed.get(seq[p]));
                    }
                }
            }
            assertThat(answers).as("answers at context %d", context).isPositive();
        }
        assertThatThrownBy(() -> t.trainBatch(0, 0, 1, 3)).hasMessageContaining("context >= 4");
    }

    @Test
    void factsFollowOneFixedTablePerDataSeed() {
        FactsTask t = (FactsTask) Tasks.of("facts:64", 5);
        assertThat(t.name()).isEqualTo("facts:64");
        int[][] table = t.table();
        assertThat(table).isDeepEqualTo(new FactsTask(64, 5).table());
        assertThat(java.util.Arrays.deepEquals(table, new FactsTask(64, 6).table())).isFalse();
        Map<Integer, Integer> lookup = new HashMap<>();
        for (int[] row : table) {
            lookup.put(row[0] * 128 + row[1], row[2]);
        }
        assertThat(lookup).hasSize(64);
        Batch b = t.trainBatch(9, 2, 8, 16);
        int answers = 0;
        for (int s = 0; s < b.size(); s++) {
            for (int p = 0; p < 16; p++) {
                if (b.weights()[s][p] == 1f) {
                    answers++;
                    int subject = b.inputs()[s][p - 1] * 128 + b.inputs()[s][p];
                    assertThat(b.targets()[s][p]).isEqualTo(lookup.get(subject)).isGreaterThanOrEqualTo(128);
                }
            }
        }
        assertThat(answers).isEqualTo(8 * 5); // objects at sequence positions 2, 5, 8, 11, 14 (targets of 1, 4, ...)
    }
}
