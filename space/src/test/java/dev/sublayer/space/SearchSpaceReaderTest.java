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
    void readsTheSettingsOfEveryKind() {
        SearchSpace s = SearchSpaceReader.fromText("""
                kinds: [attention, ffn, deep_ffn, parallel, moe]
                activations: [gelu, relu2, swiglu, geglu]
                norm_kinds: [rmsnorm, layernorm]
                deep_ffn_layers: [3, 2]
                moe_experts: [8]
                moe_top_k: [1, 2]
                """);
        assertThat(s.kinds()).containsExactly(Sublayer.Kind.values());
        assertThat(s.activations()).containsExactly(Activation.GELU, Activation.RELU2, Activation.SWIGLU,
                Activation.GEGLU);
        assertThat(s.normKinds()).containsExactly(NormKind.RMS, NormKind.LAYER);
        assertThat(s.deepFfnLayers()).containsExactly(3, 2);
        assertThat(s.moeExperts()).containsExactly(8);
        assertThat(s.moeTopK()).containsExactly(1, 2);
        assertThat(SearchSpaceReader.fromText("").normKinds()).containsExactly(NormKind.LAYER);
        assertThat(SearchSpaceReader.fromText("").deepFfnLayers()).containsExactly(2, 3);
    }

    @Test
    void violationsNameEverySettingOfTheNewKinds() {
        SearchSpace s = SearchSpaceReader.fromText("kinds: [attention, ffn]");
        Architecture a = Notation.parse("d128 n128 pre rms: D256x4:swiglu M2k2/256 P8/300");
        assertThat(s.violations(a)).containsExactly(
                "norm kind rmsnorm is not in norm_kinds [layernorm]",
                "sublayer 1 (D256x4:swiglu): kind deep_ffn is not in kinds [attention, ffn]",
                "sublayer 1 (D256x4:swiglu): activation swiglu is not in activations [gelu]",
                "sublayer 1 (D256x4:swiglu): hidden layers 4 is not in deep_ffn_layers [2, 3]",
                "sublayer 2 (M2k2/256): kind moe is not in kinds [attention, ffn]",
                "sublayer 2 (M2k2/256): experts 2 is not in moe_experts [4, 8]",
                "sublayer 3 (P8/300): kind parallel is not in kinds [attention, ffn]",
                "sublayer 3 (P8/300): heads 8 is not in heads [2, 4]",
                "sublayer 3 (P8/300): width 300 is not in ffn_widths [256, 512, 1024]");
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
            "ffn_widths: [256, -5] | /ffn_widths/1: must be between 1 and 1048576, got -5",
            "ffn_widths: [256, 256] | /ffn_widths/1: duplicate value 256",
            "ffn_widths: [256, 2000000] | /ffn_widths/1: must be between 1 and 1048576, got 2000000",
            "ffn_widths: [99999999999] | /ffn_widths/0: must be between 1 and 1048576, got 99999999999",
            "heads: [2048] | /heads/0: must be between 1 and 1024, got 2048",
            "d_model: [131072] | /d_model/0: must be between 1 and 65536, got 131072",
            "context: 99999999999999999999 | /context: must be between 1 and 1048576, got 99999999999999999999",
            "deep_ffn_layers: [2, 65] | /deep_ffn_layers/1: must be between 2 and 64, got 65",
            "moe_experts: [4, 4096] | /moe_experts/1: must be between 2 and 1024, got 4096",
            "depth: {max: 300} | /depth/max: must be between 1 and 256, got 300",
            "'ffn_widths: [64]\nffn_widths: [128]' | /ffn_widths: the key 'ffn_widths' appears twice, on lines 1 and 2; keep one",
            "ffn_widths: [a] | /ffn_widths/0: must be an integer, got 'a'",
            "depth: {min: 5, max: 2} | /depth/max: must be between depth.min (5) and 256, got 2",
            "depth: {min: 0} | /depth/min: must be between 1 and 256, got 0",
            "depth: {mn: 1} | /depth/mn: unknown key, did you mean 'min'?",
            "heads: [3] | /heads: heads 3 must divide every d_model, but not 128",
            "kinds: [conv] | /kinds/0: must be one of attention, ffn, deep_ffn, parallel, moe, got 'conv'",
            "activations: [swish] | /activations/0: must be one of relu, gelu, relu2, swiglu, geglu, got 'swish'",
            "norm_kinds: [batchnorm] | /norm_kinds/0: must be one of layernorm, rmsnorm, got 'batchnorm'",
            "norm_kinds: [] | /norm_kinds: must not be empty",
            "deep_ffn_layers: [2, 1] | /deep_ffn_layers/1: must be between 2 and 64, got 1",
            "moe_experts: [1] | /moe_experts/0: must be between 2 and 1024, got 1",
            "moe_top_k: [1, 1] | /moe_top_k/1: duplicate value 1",
            "'{moe_experts: [8, 2], moe_top_k: [1, 4]}' | /moe_top_k/1: top-k 4 must be <= every moe_experts, but not 2",
            "moe_topk: [1] | /moe_topk: unknown key, did you mean 'moe_top_k'?",
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
                .hasMessageStartingWith("/search_space/ffn_widths/0: must be between 1 and 1048576, got 0");
    }

    private static SearchSpace withContext(SearchSpace s, int context) {
        return new SearchSpace(s.minDepth(), s.maxDepth(), s.kinds(), s.ffnWidths(), s.heads(), s.residual(),
                s.activations(), s.dModels(), context, s.norms(), s.deepFfnLayers(), s.moeExperts(), s.moeTopK(),
                s.normKinds());
    }
}
