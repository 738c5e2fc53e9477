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
    void centreOfMassEdgeCases() {
        assertThat(Features.of(Notation.parse("A4", 128, 8, NormPlacement.PRE)).attentionCentreOfMass()).isEqualTo(0.5);
        assertThat(Features.of(Notation.parse("F8 F8", 128, 8, NormPlacement.PRE)).attentionCentreOfMass()).isNaN();
        assertThat(Features.of(Notation.parse("F8 A4", 128, 8, NormPlacement.PRE)).attentionCentreOfMass()).isEqualTo(1.0);
        assertThat(Features.of(Notation.parse("A4 F8", 128, 8, NormPlacement.PRE)).attentionCentreOfMass()).isEqualTo(0.0);
    }
}
