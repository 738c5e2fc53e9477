package dev.sublayer.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SearchSpaceReaderTest {

    @Test
    void readsAFullYamlSpace() {
        SearchSpace s = SearchSpaceReader.fromText("""
                depth: {min: 3, max: 10}
                kinds: [ffn, attention]
                ffn_widths: [128, 256]
                heads: [1, 2]
                residual: [true]
                activations: [relu, gelu]
                d_model: [64, 128]
                context: 256
                norms: [post]
                """);
        assertThat(s).isEqualTo(new SearchSpace(3, 10, List.of(Sublayer.Kind.FFN, Sublayer.Kind.ATTENTION),
                List.of(128, 256), List.of(1, 2), List.of(true), List.of(Activation.RELU, Activation.GELU),
                List.of(64, 128), 256, List.of(NormPlacement.POST)));
    }

    @Test
    void missingKeysTakeDefaultsAndJsonWorks() {
        assertThat(SearchSpaceReader.fromText("{\"context\": 64}"))
                .isEqualTo(withContext(SearchSpace.defaults(), 64));
        assertThat(SearchSpaceReader.fromText("")).isEqualTo(SearchSpace.defaults());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ffn_width: [1] | /ffn_width: unknown key, did you mean 'ffn_widths'?",
            "ffn_widths: [] | /ffn_widths: must not be empty",
            "ffn_widths: [256, -5] | /ffn_widths/1: must be >= 1, got -5",
            "ffn_widths: [256, 256] | /ffn_widths/1: duplicate value 256",
            "ffn_widths: [a] | /ffn_widths/0: must be an integer, got 'a'",
            "depth: {min: 5, max: 2} | /depth/max: must be between depth.min (5) and 256, got 2",
            "depth: {min: 0} | /depth/min: must be >= 1, got 0",
            "depth: {mn: 1} | /depth/mn: unknown key, did you mean 'min'?",
            "heads: [3] | /heads: heads 3 must divide every d_model, but not 128",
            "kinds: [conv] | /kinds/0: must be one of attention, ffn, got 'conv'",
            "activations: [swish] | /activations/0: must be one of relu, gelu, got 'swish'",
            "residual: [yes please] | /residual/0: must be true or false, got 'yes please'",
            "context: 1.5 | /context: must be an integer, got 1.5",
            "norms: [middle] | /norms/0: must be one of pre, post, got 'middle'",
            "[1, 2] | /: must be a mapping of keys to values, got a list",
            "'a: [' | /: not valid YAML or JSON",
    })
    void badSpacesNameTheField(String yaml, String message) {
        assertThatThrownBy(() -> SearchSpaceReader.fromText(yaml))
                .isInstanceOf(SpaceException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void embeddedSpacesReportFullPaths() {
        var node = tools.jackson.dataformat.yaml.YAMLMapper.builder().build()
                .readTree("search_space: {ffn_widths: [0], heads: [3]}");
        assertThatThrownBy(() -> SearchSpaceReader.fromNode(node.get("search_space"), "/search_space"))
                .hasMessageStartingWith("/search_space/ffn_widths/0: must be >= 1, got 0");
    }

    private static SearchSpace withContext(SearchSpace s, int context) {
        return new SearchSpace(s.minDepth(), s.maxDepth(), s.kinds(), s.ffnWidths(), s.heads(), s.residual(),
                s.activations(), s.dModels(), context, s.norms());
    }
}
