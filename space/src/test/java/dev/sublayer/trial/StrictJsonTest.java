package dev.sublayer.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class StrictJsonTest {

    private static final JsonNode DOC = StrictJson.parse("""
            {"s": "text", "n": null, "i": 7, "big": 3000000000, "half": 1.5, "b": true, "f": "Infinity",
             "list": [1, "x"], "o": {"k": 1}}""");

    @Test
    void readersReturnWhatTheDocumentHolds() {
        assertThat(StrictJson.stringAt(DOC, "", "s")).isEqualTo("text");
        assertThat(StrictJson.nullableStringAt(DOC, "", "n")).isNull();
        assertThat(StrictJson.longAt(DOC, "", "big")).isEqualTo(3_000_000_000L);
        assertThat(StrictJson.nullableLongAt(DOC, "", "n", Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(StrictJson.nullableLongAt(DOC, "", "i", Long.MAX_VALUE)).isEqualTo(7);
        assertThat(StrictJson.intAt(DOC, "", "i")).isEqualTo(7);
        assertThat(StrictJson.booleanAt(DOC, "", "b")).isTrue();
        assertThat(StrictJson.figureAt(DOC, "", "f")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(StrictJson.figureAt(DOC, "", "n")).isNaN();
        assertThat(StrictJson.figureAt(DOC, "", "half")).isEqualTo(1.5);
        assertThat(StrictJson.arrayAt(DOC, "", "list", "an array").size()).isEqualTo(2);
        assertThat(StrictJson.objectAt(DOC, "", "o").get("k").intValue()).isEqualTo(1);
        assertThat(StrictJson.intValue(DOC.get("list").get(0), "/list/0")).isEqualTo(1);
    }

    @Test
    void badValuesNameThePathTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> StrictJson.intAt(DOC, "", "s"))
                .hasMessage("/s: must be a 32-bit integer, got \"text\"");
        assertThatThrownBy(() -> StrictJson.intAt(DOC, "/doc", "big"))
                .hasMessage("/doc/big: must be a 32-bit integer, got 3000000000");
        assertThatThrownBy(() -> StrictJson.intAt(DOC, "", "half"))
                .hasMessage("/half: must be a 32-bit integer, got 1.5");
        assertThatThrownBy(() -> StrictJson.intValue(DOC.get("list").get(1), "/list/1"))
                .hasMessage("/list/1: must be a 32-bit integer, got \"x\"");
        assertThatThrownBy(() -> StrictJson.longAt(DOC, "", "half")).hasMessage(
                "/half: must be an integer between " + Long.MIN_VALUE + " and " + Long.MAX_VALUE + ", got 1.5");
        assertThatThrownBy(() -> StrictJson.stringAt(DOC, "", "n")).hasMessage("/n: must be a string, got null");
        assertThatThrownBy(() -> StrictJson.nullableStringAt(DOC, "", "i"))
                .hasMessage("/i: must be a string or null, got 7");
        assertThatThrownBy(() -> StrictJson.booleanAt(DOC, "/t", "i"))
                .hasMessage("/t/i: 7 is not allowed, expected true or false");
        assertThatThrownBy(() -> StrictJson.figureAt(DOC, "", "s"))
                .hasMessage("/s: must be a number, null, \"Infinity\" or \"-Infinity\", got \"text\"");
        assertThatThrownBy(() -> StrictJson.arrayAt(DOC, "", "o", "an array of integers"))
                .hasMessage("/o: must be an array of integers, got {\"k\":1}");
        assertThatThrownBy(() -> StrictJson.objectAt(DOC, "", "list"))
                .hasMessage("/list: must be a JSON object, got [1,\"x\"]");
        assertThatThrownBy(() -> StrictJson.field(DOC.get("o"), "/o", "missing"))
                .hasMessage("/o/missing: missing (present keys: [k])");
        assertThatThrownBy(() -> StrictJson.field(DOC.get("s"), "/s", "x"))
                .hasMessage("/s: must be a JSON object, got \"text\"");
        assertThatThrownBy(() -> StrictJson.parse("{\"a\": ")).hasMessageStartingWith("not valid JSON: ");
        // a long value is shortened, the path is never
        assertThatThrownBy(() -> StrictJson.intValue(JsonNodeFactory.instance.stringNode("y".repeat(100)), "/long"))
                .hasMessage("/long: must be a 32-bit integer, got \"" + "y".repeat(56) + "...");
    }

    @Test
    void figuresRoundTripBitForBitInObjectsAndArrays() {
        double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.1, Double.MIN_VALUE};
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ArrayNode a = o.putArray("a");
        for (int i = 0; i < values.length; i++) {
            StrictJson.putFigure(o, "v" + i, values[i]);
            StrictJson.addFigure(a, values[i]);
        }
        String text = StrictJson.text(o);
        assertThat(text).doesNotContain("NaN").doesNotContain("\n");
        JsonNode back = StrictJson.parse(text);
        for (int i = 0; i < values.length; i++) {
            assertThat(Double.doubleToRawLongBits(StrictJson.figureAt(back, "", "v" + i)))
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
            assertThat(Double.doubleToRawLongBits(StrictJson.figure(back.get("a").get(i), "/a/" + i)))
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
        }
    }

    @Test
    void prettyTextIsIndentedAndReadsBack() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", "x");
        o.putArray("list").add(1).add(2);
        String pretty = StrictJson.prettyText(o);
        assertThat(pretty).contains("\n  \"name\" : \"x\"").doesNotEndWith("\n");
        assertThat(StrictJson.parse(pretty)).isEqualTo(o);
        assertThat(StrictJson.text(o)).isEqualTo("{\"name\":\"x\",\"list\":[1,2]}");
    }
}
