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
            Architecture a = RandomArchitectures.WIDE.architecture(r);
            assertThat(Notation.parse(a.canonical())).isEqualTo(a);
            assertThat(Notation.parse(a.notation(), a.dModel(), a.context(), a.norm(), a.normKind())).isEqualTo(a);
            assertThat(Notation.parse(a.canonical()).id()).isEqualTo(a.id());
        }
    }

    @Test
    void formatsEveryKind() {
        Architecture a = new Architecture(List.of(
                new Sublayer.DeepFeedForward(512, 2, Activation.GELU, true),
                new Sublayer.DeepFeedForward(512, 3, Activation.RELU, false),
                new Sublayer.Parallel(4, 1024, Activation.GELU, true),
                new Sublayer.Parallel(4, 1024, Activation.SWIGLU, true),
                new Sublayer.MixtureOfExperts(8, 2, 512, Activation.GELU, true),
                new Sublayer.MixtureOfExperts(4, 1, 256, Activation.GEGLU, false),
                new Sublayer.FeedForward(683, Activation.SWIGLU, true),
                new Sublayer.FeedForward(512, Activation.RELU2, true)), 128, 256, NormPlacement.PRE, NormKind.RMS);
        assertThat(a.notation())
                .isEqualTo("D512x2 D512x3:relu! P4/1024 P4/1024:swiglu M8k2/512 M4k1/256:geglu! F683:swiglu F512:relu2");
        assertThat(a.canonical()).startsWith("d128 n256 pre rms: D512x2");
        assertThat(Notation.parse(a.canonical())).isEqualTo(a);
    }

    @Test
    void layerNormHeadersKeepTheirTextAndId() {
        Architecture a = Notation.parse("d128 n256 pre: A4 F512");
        assertThat(a.normKind()).isEqualTo(NormKind.LAYER);
        assertThat(a).isEqualTo(new Architecture(a.sublayers(), 128, 256, NormPlacement.PRE));
        assertThat(Notation.parse("d128 n256 pre ln: A4 F512")).isEqualTo(a);
        assertThat(Notation.parse("d128 n256 PRE LayerNorm: A4 F512").canonical()).isEqualTo("d128 n256 pre: A4 F512");
        assertThat(Notation.parse("d128 n256 pre RMSNorm: A4 F512").canonical()).isEqualTo("d128 n256 pre rms: A4 F512");
        // The id of a LayerNorm architecture is what it was before norm kinds existed.
        assertThat(a.id()).isEqualTo(java.util.HexFormat.of().formatHex(sha256("d128 n256 pre: A4 F512"), 0, 8));
        assertThat(Notation.parse("d128 n256 pre rms: A4 F512").id()).isNotEqualTo(a.id());
    }

    @Test
    void aDeepFfnFirstIsNotTakenForAHeader() {
        Architecture a = Notation.parse("D512x2:relu A4", 128, 64, NormPlacement.POST, NormKind.RMS);
        assertThat(a.canonical()).isEqualTo("d128 n64 post rms: D512x2:relu A4");
        assertThat(Notation.parse("d16x2:geglu d16x3", 32, 8, NormPlacement.PRE).notation())
                .isEqualTo("D16x2:geglu D16x3");
        assertThat(Notation.parse("d32 n8 pre: d16x2:relu").notation()).isEqualTo("D16x2:relu");
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
            "A4 X512 | token 'X512' at position 2: expected A<heads>, F<width>, D<width>x<layers>, P<heads>/<width> or M<experts>k<top_k>/<width>",
            "A4:relu | token 'A4:relu' at position 1: attention takes no activation",
            "D512 | token 'D512' at position 1: expected D<width>x<layers>, e.g. D512x2",
            "D512x1 | token 'D512x1' at position 1: deep FFN hidden layers must be >= 2 (D<width>x1 is F<width>), got 1",
            "D512x2x3 | token 'D512x2x3' at position 1: expected D<width>x<layers>",
            "Dx2 | token 'Dx2' at position 1: expected a positive integer width after 'D'",
            "P4 | token 'P4' at position 1: expected P<heads>/<width>, e.g. P4/1024",
            "P3/64 | sublayer 1 (P3/64): heads 3 must divide d_model 128",
            "P4/0 | token 'P4/0' at position 1: width must be >= 1",
            "M8/512 | token 'M8/512' at position 1: expected M<experts>k<top_k>/<width>, e.g. M8k2/512",
            "M8k2 | token 'M8k2' at position 1: expected M<experts>k<top_k>/<width>",
            "M1k1/64 | token 'M1k1/64' at position 1: MoE experts must be >= 2 (one expert is an FFN), got 1",
            "M4k5/64 | token 'M4k5/64' at position 1: MoE top-k must be between 1 and the experts (4), got 5",
            "M4k2/64:swish | token 'M4k2/64:swish' at position 1: activation 'swish' is unknown, expected one of relu, gelu, relu2, swiglu, geglu",
            "d128 n8 pre bat: A4 | header 'd128 n8 pre bat': unknown norm kind 'bat', expected rms (rmsnorm) or ln (layernorm)",
            "d128 n8 pre rms x: A4 | header 'd128 n8 pre rms x': expected 'd<d_model> n<context> pre|post [rms]'",
            "A4 F | token 'F' at position 2: expected a positive integer width after 'F'",
            "A0 F512 | token 'A0' at position 1: heads must be >= 1",
            "A4 F512:swish | token 'F512:swish' at position 2: activation 'swish' is unknown, expected one of relu, gelu, relu2",
            "A4 F-3 | token 'F-3' at position 2: expected a positive integer width",
            "A4 ! | token '!' at position 2",
            "A3 F512 | sublayer 1 (A3): heads 3 must divide d_model 128",
            "d128 n0 pre: A4 | context must be >= 1, got 0",
            "d12x n8 pre: A4 | header 'd12x n8 pre': expected 'd<positive integer>'",
            "d128 n8 middle: A4 | header 'd128 n8 middle': unknown norm placement 'middle'",
            "A99999999999 | token 'A99999999999' at position 1: heads 99999999999 is above the maximum 1024",
    })
    void malformedNotationNamesTokenPositionAndExpectation(String text, String message) {
        assertThatThrownBy(() -> Notation.parse(text, 128, 128, NormPlacement.PRE))
                .isInstanceOf(NotationException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "F1000000000 | token 'F1000000000' at position 1: width 1000000000 is above the maximum 1048576",
            "D999999x999999 | token 'D999999x999999' at position 1: hidden layers 999999 is above the maximum 64",
            "D2000000x2 | token 'D2000000x2' at position 1: width 2000000 is above the maximum 1048576",
            "A2048 | token 'A2048' at position 1: heads 2048 is above the maximum 1024",
            "P4/99999999999999999999999 | token 'P4/99999999999999999999999' at position 1: width 99999999999999999999999 is above the maximum 1048576",
            "M2048k2/64 | token 'M2048k2/64' at position 1: experts 2048 is above the maximum 1024",
            "M8k4096/64 | token 'M8k4096/64' at position 1: top_k 4096 is above the maximum 1024",
            "d131072 n8 pre: A4 | header 'd131072 n8 pre': d_model 131072 is above the maximum 65536",
            "d128 n2000000 pre: A4 | header 'd128 n2000000 pre': context 2000000 is above the maximum 1048576",
    })
    void sizesAboveTheirMaximumAreRefusedNamingIt(String text, String message) {
        assertThatThrownBy(() -> Notation.parse(text, 128, 128, NormPlacement.PRE))
                .isInstanceOf(NotationException.class)
                .hasMessage(message);
    }

    @Test
    void theMaximaThemselvesAreAccepted() {
        Architecture a = Notation.parse("d65536 n1048576 pre: A1024 F1048576 D1048576x64:swiglu P1024/1048576 "
                + "M1024k1024/1048576");
        assertThat(a.canonical()).isEqualTo("d65536 n1048576 pre: A1024 F1048576 D1048576x64:swiglu P1024/1048576 "
                + "M1024k1024/1048576");
        assertThat(Notation.parse("F0512", 128, 128, NormPlacement.PRE).notation()).isEqualTo("F512");
        assertThat(Notation.parse("A4 ".repeat(Limits.MAX_SUBLAYERS), 128, 128, NormPlacement.PRE).depth())
                .isEqualTo(Limits.MAX_SUBLAYERS);
        assertThatThrownBy(() -> Notation.parse("A4 ".repeat(Limits.MAX_SUBLAYERS + 1), 128, 128, NormPlacement.PRE))
                .hasMessage("sublayer count 1025 is above the maximum 1024");
    }

    @Test
    void theRecordsCheckTheSameMaxima() {
        assertThatThrownBy(() -> Sublayer.FeedForward.of(Limits.MAX_WIDTH + 1))
                .hasMessage("FFN width 1048577 is above the maximum 1048576");
        assertThatThrownBy(() -> new Sublayer.DeepFeedForward(64, 65, Activation.GELU, true))
                .hasMessage("deep FFN hidden layers 65 is above the maximum 64");
        assertThatThrownBy(() -> new Sublayer.MixtureOfExperts(1025, 1, 64, Activation.GELU, true))
                .hasMessage("MoE experts 1025 is above the maximum 1024");
        assertThatThrownBy(() -> Sublayer.Attention.of(1025)).hasMessage("attention heads 1025 is above the maximum 1024");
        assertThatThrownBy(() -> Architecture.of(List.of(Sublayer.Attention.of(1)), 65537, 8))
                .hasMessage("d_model 65537 is above the maximum 65536");
    }

    /** Character.isDigit and Integer.parseInt accept every script's digits; notation takes ASCII 0-9 only. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "A４ F５１２ | token 'A４' at position 1: expected a positive integer heads after 'A' (ASCII digits 0-9 only)",
            "A4 F٥١٢ | token 'F٥١٢' at position 2: expected a positive integer width after 'F' (ASCII digits 0-9 only)",
            "D512x٢ | token 'D512x٢' at position 1: expected a positive integer hidden layers after 'D' (ASCII digits 0-9 only)",
            "M８k2/64 | token 'M８k2/64' at position 1: expected a positive integer experts after 'M' (ASCII digits 0-9 only)",
            "d１２８ n8 pre: A4 | header 'd１２８ n8 pre': expected 'd<positive integer>', got 'd１２８' (ASCII digits 0-9 only)",
    })
    void nonAsciiDigitsAreRefused(String text, String message) {
        assertThatThrownBy(() -> Notation.parse(text, 128, 128, NormPlacement.PRE))
                .isInstanceOf(NotationException.class)
                .hasMessage(message);
    }

    @Test
    void templateCountsAreAsciiDigitsToo() {
        assertThat(Template.parse("sandwich_2").name()).isEqualTo("sandwich_2");
        assertThatThrownBy(() -> Template.parse("sandwich_٢")).hasMessageStartingWith("unknown template 'sandwich_٢'");
        assertThatThrownBy(() -> Template.parse("par_+2")).hasMessageStartingWith("unknown template 'par_+2'");
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
        assertThatThrownBy(() -> Notation.parse("D16x2:relu A4")).hasMessageContaining("missing header");
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
