package dev.sublayer.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CostModelTest {

    @Test
    void handComputedInterleavedPair() {
        // d=128, n=128, V=256, tied, pre-LN: A4 F512
        Architecture a = Notation.parse("A4 F512", 128, 128, NormPlacement.PRE);
        Cost c = CostModel.of(a, ModelShape.bytes());
        long attention = 2 * 128 + 4 * 128 * 128 + 4 * 128;          // LN + QKVO with biases = 66,304
        long ffn = 2 * 128 + 2 * 128 * 512 + 512 + 128;              // LN + up/down with biases = 131,968
        long finalNorm = 2 * 128;
        assertThat(attention).isEqualTo(66_304);
        assertThat(ffn).isEqualTo(131_968);
        assertThat(c.nonEmbeddingParams()).isEqualTo(attention + ffn + finalNorm).isEqualTo(198_528);
        assertThat(c.embeddingParams()).isEqualTo(256 * 128 + 128 * 128).isEqualTo(49_152);
        assertThat(c.totalParams()).isEqualTo(247_680);
        long forward = (8L * 128 * 128 + 4L * 128 * 128) + 4L * 128 * 512 + 2L * 128 * 256;
        assertThat(c.forwardFlopsPerToken()).isEqualTo(forward).isEqualTo(524_288);
        assertThat(c.forwardFlopsPerSequence()).isEqualTo(forward * 128);
        assertThat(c.trainingFlopsPerToken()).isEqualTo(3 * forward);
    }

    @Test
    void untiedHeadAndPostNorm() {
        Architecture a = Notation.parse("d64 n32 post: F100! A2", 0, 0, NormPlacement.PRE);
        Cost c = CostModel.of(a, new ModelShape(50, false));
        long ffn = 2 * 64 + 2 * 64 * 100 + 100 + 64;
        long att = 2 * 64 + 4 * 64 * 64 + 4 * 64;
        assertThat(c.nonEmbeddingParams()).isEqualTo(ffn + att); // post-LN: no final norm
        assertThat(c.embeddingParams()).isEqualTo(50 * 64 + 32 * 64 + 64 * 50);
        assertThat(c.forwardFlopsPerToken()).isEqualTo(4L * 64 * 100 + 8L * 64 * 64 + 4L * 32 * 64 + 2L * 64 * 50);
    }

    @Test
    void referenceModel() {
        // The benchmark's reference model: four (A4 F512) pairs, d=128, n=128, tied byte-level head.
        Architecture a = Notation.parse("A4 F512 A4 F512 A4 F512 A4 F512", 128, 128, NormPlacement.PRE);
        assertThat(CostModel.of(a, ModelShape.bytes()).totalParams()).isEqualTo(4 * 198_272L + 256 + 49_152);
    }

    @Test
    void totalsAreSumsOfPartsForRandomArchitectures() {
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            Architecture a = RandomArchitectures.architecture(r);
            ModelShape shape = new ModelShape(1 + r.nextInt(300), r.nextBoolean());
            Cost c = CostModel.of(a, shape);
            long sub = a.sublayers().stream().mapToLong(s -> CostModel.params(s, a.dModel())).sum();
            long flops = a.sublayers().stream()
                    .mapToLong(s -> CostModel.forwardFlopsPerToken(s, a.dModel(), a.context())).sum();
            assertThat(c.nonEmbeddingParams()).isEqualTo(sub + (a.norm() == NormPlacement.PRE ? 2L * a.dModel() : 0));
            assertThat(c.totalParams()).isEqualTo(c.nonEmbeddingParams() + c.embeddingParams());
            assertThat(c.forwardFlopsPerToken()).isEqualTo(flops + 2L * a.dModel() * shape.vocabSize());
            assertThat(CostModel.estimateTrainingBytes(a, shape, 8))
                    .isGreaterThan(16 * c.totalParams())
                    .isLessThan(CostModel.estimateTrainingBytes(a, shape, 16));
        }
    }

    @Test
    void constraintsNameTheLimitExceeded() {
        Architecture a = Notation.parse("A4 F512", 128, 128, NormPlacement.PRE);
        assertThat(new Constraints(100_000, Long.MAX_VALUE, Long.MAX_VALUE).violations(a, ModelShape.bytes(), 32))
                .containsExactly("params 247680 > max_params 100000");
        assertThat(new Constraints(Long.MAX_VALUE, 500_000, 1_000).violations(a, ModelShape.bytes(), 32))
                .hasSize(2);
        assertThat(Constraints.none().violations(a, ModelShape.bytes(), 32)).isEmpty();
    }
}
