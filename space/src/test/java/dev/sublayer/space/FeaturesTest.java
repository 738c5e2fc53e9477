package dev.sublayer.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FeaturesTest {

    @Test
    void featuresOfAStackedLayout() {
        Features f = Features.of(Notation.parse("A4 F512 F512! F512 A4 F512", 128, 128, NormPlacement.PRE));
        assertThat(f.attentionCount()).isEqualTo(2);
        assertThat(f.ffnCount()).isEqualTo(4);
        assertThat(f.longestFfnRun()).isEqualTo(3);
        assertThat(f.residualCount()).isEqualTo(5);
        assertThat(f.attentionCentreOfMass()).isCloseTo((0.0 + 4.0 / 5) / 2, within(1e-12));
        long ffn = 4 * 131_968L;
        assertThat(f.ffnParamShare()).isCloseTo((double) ffn / (ffn + 2 * 66_304 + 256), within(1e-12));
    }

    @Test
    void parallelBlocksCountAsAttentionFollowedByAnFfn() {
        Features f = Features.of(Notation.parse("d16 n8 pre: P2/32 F32 F32 P2/32 A2"));
        assertThat(f.attentionCount()).isEqualTo(3);
        assertThat(f.ffnCount()).isEqualTo(4);
        assertThat(f.longestFfnRun()).isEqualTo(3); // P's FFN half, then F F
        assertThat(f.attentionCentreOfMass()).isCloseTo((0 + 0.75 + 1) / 3, within(1e-12));
        assertThat(Features.of(Notation.parse("d16 n8 pre: P2/32 P2/32")).longestFfnRun()).isEqualTo(1);
        // FFN share: P counts its FFN maps (544 + 528), not its shared norm or attention; F its norm too
        long p = 32 + 1088 + 1072;
        long ffn = 32 + 1072;
        long nonEmbedding = 2 * p + 2 * ffn + (32 + 1088) + 32;
        assertThat(f.ffnParamShare()).isCloseTo((2.0 * 1072 + 2 * ffn) / nonEmbedding, within(1e-12));
    }

    @Test
    void deepAndMixtureOfExpertsFfnsAreFfnSublayers() {
        Features f = Features.of(Notation.parse("d16 n8 pre rms: A2 D32x2 M4k1/32 F32:swiglu A2"));
        assertThat(f.attentionCount()).isEqualTo(2);
        assertThat(f.ffnCount()).isEqualTo(3);
        assertThat(f.longestFfnRun()).isEqualTo(3);
        long d = 16 + 544 + 1056 + 528;
        long m = 16 + 64 + 4 * 1072;
        long gated = 16 + 2 * 544 + 528;
        long attention = 16 + 1088;
        assertThat(f.ffnParamShare())
                .isCloseTo((double) (d + m + gated) / (d + m + gated + 2 * attention + 16), within(1e-12));
    }

    @Test
    void centreOfMassEdgeCases() {
        assertThat(Features.of(Notation.parse("A4", 128, 8, NormPlacement.PRE)).attentionCentreOfMass()).isEqualTo(0.5);
        assertThat(Features.of(Notation.parse("F8 F8", 128, 8, NormPlacement.PRE)).attentionCentreOfMass()).isNaN();
        assertThat(Features.of(Notation.parse("F8 A4", 128, 8, NormPlacement.PRE)).attentionCentreOfMass()).isEqualTo(1.0);
        assertThat(Features.of(Notation.parse("A4 F8", 128, 8, NormPlacement.PRE)).attentionCentreOfMass()).isEqualTo(0.0);
    }
}
