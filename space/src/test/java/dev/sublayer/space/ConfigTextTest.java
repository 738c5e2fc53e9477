package dev.sublayer.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class ConfigTextTest {

    @Test
    void parsesYamlAndJsonAsAPlainReaderWould() {
        JsonNode n = ConfigText.parse("name: a\nsearch: {population: 4, templates: [interleaved, macaron]}\n");
        assertThat(n.get("search").get("templates").get(1).stringValue()).isEqualTo("macaron");
        assertThat(ConfigText.parse("{\"name\": \"a\", \"seed\": 99999999999999999999}").get("seed").bigIntegerValue())
                .hasToString("99999999999999999999");
        // The same key in different mappings is no duplicate.
        assertThat(ConfigText.parse("a: {name: x}\nb: {name: y}\nl: [{name: 1}, {name: 2}]\n").size()).isEqualTo(3);
    }

    /** YAML keeps the last of two equal keys silently; a config must say which it means. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'name: a\nname: b\n' | /name: the key 'name' appears twice, on lines 1 and 2; keep one",
            "'name: a\nsearch:\n  population: 4\n  seeds: 2\n  population: 8\n' | /search/population: the key 'population' appears twice, on lines 3 and 5; keep one",
            "'l:\n  - {a: 1}\n  - {b: 1, b: 2}\n' | /l/1/b: the key 'b' appears twice, on lines 3 and 3; keep one",
            "'{\"name\": \"a\",\n \"name\": \"b\"}' | /name: the key 'name' appears twice, on lines 1 and 2; keep one",
    })
    void duplicateKeysAreRefusedNamingTheKeyAndBothLines(String text, String message) {
        assertThatThrownBy(() -> ConfigText.parse(text)).isInstanceOf(SpaceException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'x: &w 64\ny: *w\n' | /y: YAML aliases (*w) are not supported; write the value out",
            "'a: 1\n---\nb: 2\n' | /: the text holds more than one YAML document",
            "'a: [' | /: not valid YAML or JSON",
    })
    void whatAPlainReaderWouldMisreadIsRefused(String text, String message) {
        assertThatThrownBy(() -> ConfigText.parse(text)).isInstanceOf(SpaceException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void deepNestingAndEndlessNumbersAreRefusedWithTheirPath() {
        String deep = "a: " + "[".repeat(1000) + "]".repeat(1000);
        assertThatThrownBy(() -> ConfigText.parse(deep)).hasMessageEndingWith(": nested deeper than 32 levels of "
                + "mappings and lists").hasMessageStartingWith("/a/0/0/");
        assertThatThrownBy(() -> ConfigText.parse("seed: " + "9".repeat(5000)))
                .hasMessage("/seed: a number of 5000 characters is out of every range (at most 1000 digits are read)");
    }

    @Test
    void textAboveOneMebibyteIsRefusedBeforeParsing() {
        String big = "name: x\ndescription: " + "y".repeat(ConfigText.MAX_BYTES);
        long start = System.nanoTime();
        assertThatThrownBy(() -> ConfigText.parse(big)).isInstanceOf(SpaceException.class)
                .hasMessage("/: the config is 1,048,597 bytes, above the maximum of 1,048,576 (1 MiB)");
        assertThat(System.nanoTime() - start).as("refused before parsing").isLessThan(500_000_000L);
        // UTF-8 bytes count, not characters: 400,000 three-byte characters are 1.2 MB.
        assertThatThrownBy(() -> ConfigText.parse("d: " + "€".repeat(400_000)))
                .hasMessageStartingWith("/: the config is 1,200,003 bytes");
    }
}
