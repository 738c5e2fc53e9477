package dev.sublayer.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NotationTest {

    @Test
    void formatsTheDesignExample() {
        Architecture a = Architecture.of(List.of(
                Sublayer.Attention.of(4), Sublayer.FeedForward.of(512), Sublayer.FeedForward.of(512).withResidual(false),
                Sublayer.Attention.of(4), new Sublayer.FeedForward(1024, Activation.RELU, true)), 128, 256);
        assertThat(a.notation()).isEqualTo("A4 F512 F512! A4 F1024:relu");
        assertThat(a.canonical()).isEqualTo("d128 n256 pre: A4 F512 F512! A4 F1024:relu");
    }

    @Test
    void parseOfFormatIsIdentityForThousandsOfRandomArchitectures() {
        Random r = new Random(20261127);
        for (int i = 0; i < 5000; i++) {
            Architecture a = RandomArchitectures.architecture(r);
            assertThat(Notation.parse(a.canonical())).isEqualTo(a);
            assertThat(Notation.parse(a.notation(), a.dModel(), a.context(), a.norm())).isEqualTo(a);
            assertThat(Notation.parse(a.canonical()).id()).isEqualTo(a.id());
        }
    }

    @Test
    void parsingToleratesWhitespaceAndCase() {
        Architecture a = Notation.parse("  a4   f512:RELU  F256! ", 64, 32, NormPlacement.POST);
        assertThat(a.canonical()).isEqualTo("d64 n32 post: A4 F512:relu F256!");
    }

    @Test
    void headerOverridesDefaults() {
        Architecture a = Notation.parse("d256 n64 post: A8 F1024", 128, 128, NormPlacement.PRE);
        assertThat(a.dModel()).isEqualTo(256);
        assertThat(a.context()).isEqualTo(64);
        assertThat(a.norm()).isEqualTo(NormPlacement.POST);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "A4 X512 | token 'X512' at position 2: expected A<heads> or F<width>",
            "A4 F | token 'F' at position 2: expected a positive integer width after 'F'",
            "A0 F512 | token 'A0' at position 1: heads must be >= 1",
            "A4 F512:swish | token 'F512:swish' at position 2: activation 'swish' is unknown, expected one of relu, gelu",
            "A4 F-3 | token 'F-3' at position 2: expected a positive integer width",
            "A4 ! | token '!' at position 2",
            "A3 F512 | sublayer 1 (A3): heads 3 must divide d_model 128",
            "d128 n0 pre: A4 | context must be >= 1, got 0",
            "d12x n8 pre: A4 | header 'd12x n8 pre': expected 'd<positive integer>'",
            "d128 n8 middle: A4 | header 'd128 n8 middle': unknown norm placement 'middle'",
            "A99999999999 | token 'A99999999999' at position 1: expected a positive integer heads",
    })
    void malformedNotationNamesTokenPositionAndExpectation(String text, String message) {
        assertThatThrownBy(() -> Notation.parse(text, 128, 128, NormPlacement.PRE))
                .isInstanceOf(NotationException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "d128 n128 pre:   "})
    void emptyArchitectureIsRejected(String text) {
        assertThatThrownBy(() -> Notation.parse(text, 128, 128, NormPlacement.PRE))
                .isInstanceOf(NotationException.class)
                .hasMessageStartingWith("empty architecture");
    }

    @Test
    void fullParseRequiresHeader() {
        assertThatThrownBy(() -> Notation.parse("A4 F512")).hasMessageContaining("missing header");
    }
}
