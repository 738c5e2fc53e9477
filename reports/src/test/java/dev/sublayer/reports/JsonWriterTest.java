package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JsonWriterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void scriptBreakingCharactersAreEscapedAndReadBack() {
        String hostile = "</script><script>alert(1)</script><!-- & \u2028\u2029 \"q\" \\ \t\n\u0001";
        String json = new JsonWriter(64, 5).beginObject().field("s", hostile).endObject().toString();
        assertThat(json).doesNotContain("<").doesNotContain(">").doesNotContain("&").doesNotContain("\u2028")
                .contains("\\u003c/script\\u003e");
        assertThat(JSON.readTree(json).get("s").stringValue()).isEqualTo(hostile);
    }

    @Test
    void surrogatesSurviveEvenUnpaired() {
        String s = "emoji \uD83D\uDE00 lone \uD800 end";
        String json = new JsonWriter(64, 5).beginArray().value(s).endArray().toString();
        assertThat(json.chars().allMatch(c -> c < 0xD800 || c > 0xDFFF)).isTrue();
        assertThat(JSON.readTree(json).get(0).stringValue()).isEqualTo(s);
    }

    @Test
    void numbersAreCompactAndNonFiniteIsNull() {
        String json = new JsonWriter(64, 4).beginArray().value(3.0).value(1234567.0).value(Math.PI).value(1e-7 / 3)
                .value(2.5e20).value(Double.NaN).value(Double.POSITIVE_INFINITY).value(-0.000123456).value(42L)
                .endArray().toString();
        assertThat(json).isEqualTo("[3,1234567,3.142,3.333E-8,2.5E20,null,null,-1.235E-4,42]");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void roundingKeepsSignificantDigits(long seed) {
        Random rnd = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            double v = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20);
            double r = JsonWriter.round(v, 5);
            assertThat(Math.abs(r - v)).as("%s -> %s", v, r).isLessThanOrEqualTo(Math.abs(v) * 5e-5 + 1e-300);
            String text = new JsonWriter(16, 5).beginArray().value(v).endArray().toString();
            // Short text: at most 5 significant digits plus sign, point and exponent (integral values stay exact).
            if (v != Math.rint(v)) {
                assertThat(text.length()).as(text).isLessThanOrEqualTo(2 + 1 + 5 + 1 + 5 + 1 + 1);
            }
            boolean exact = v == Math.rint(v) && Math.abs(v) < 1e15;
            assertThat(JSON.readTree(text).get(0).doubleValue()).isEqualTo(exact ? v : r);
        }
    }

    @Test
    void nestedStructureIsValidJson() {
        JsonWriter w = new JsonWriter(64, 5);
        w.beginObject().name("a").beginArray().value(1).beginObject().field("x", true).endObject().nullValue().endArray()
                .field("b", "c").name("d").beginObject().endObject().endObject();
        JsonNode n = JSON.readTree(w.toString());
        assertThat(n.get("a").size()).isEqualTo(3);
        assertThat(n.get("a").get(1).get("x").booleanValue()).isTrue();
        assertThat(n.get("b").stringValue()).isEqualTo("c");
    }

    @Test
    void rejectsImpossiblePrecision() {
        assertThatThrownBy(() -> new JsonWriter(1, 0)).hasMessageContaining("significant digits must be in 1..17, got 0");
    }
}
