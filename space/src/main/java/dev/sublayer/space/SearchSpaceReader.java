package dev.sublayer.space;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads a {@link SearchSpace} from YAML or JSON (JSON is YAML). Every key is
 * optional and defaults to {@link SearchSpace#defaults()}; unknown keys are errors.
 *
 * <pre>
 * depth: {min: 2, max: 8}
 * kinds: [attention, ffn]     # attention, ffn, deep_ffn, parallel, moe
 * ffn_widths: [256, 512, 1024] # F, D, the FFN of P and each expert of M
 * heads: [2, 4]               # A and P
 * residual: [true, false]     # [true] = always residual
 * activations: [gelu]         # relu, gelu, relu2, swiglu, geglu
 * d_model: [128]
 * context: 128
 * norms: [pre]                # pre, post
 * norm_kinds: [layernorm]     # layernorm, rmsnorm
 * deep_ffn_layers: [2, 3]     # hidden layers of D, each >= 2
 * moe_experts: [4, 8]         # experts of M
 * moe_top_k: [1, 2]           # experts per token of M, each <= every moe_experts
 * </pre>
 */
public final class SearchSpaceReader {

    /** The keys a search-space mapping may have. */
    public static final List<String> KEYS = List.of(
            "depth", "kinds", "ffn_widths", "heads", "residual", "activations", "d_model", "context", "norms",
            "norm_kinds", "deep_ffn_layers", "moe_experts", "moe_top_k");

    private SearchSpaceReader() {
    }

    /**
     * Reads a space from YAML or JSON text, parsed strictly by {@link ConfigText}.
     *
     * @throws SpaceException naming the offending field
     */
    public static SearchSpace fromText(String text) {
        JsonNode root = ConfigText.parse(text);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return SearchSpace.defaults();
        }
        return fromNode(root, "");
    }

    /**
     * Reads a space from a YAML or JSON file.
     *
     * @throws IOException if the file cannot be read
     * @throws SpaceException naming the offending field
     */
    public static SearchSpace fromFile(Path file) throws IOException {
        ConfigText.requireSize(Files.size(file));
        return fromText(Files.readString(file));
    }

    /**
     * Reads a space from a parsed tree; error paths start with {@code path}
     * (e.g. {@code /search_space}) so a space embedded in a larger config reports full paths.
     */
    public static SearchSpace fromNode(JsonNode node, String path) {
        ConfigNodes.requireObject(node, path);
        ConfigNodes.requireKnownKeys(node, path, KEYS);
        SearchSpace d = SearchSpace.defaults();
        int minDepth = d.minDepth();
        int maxDepth = d.maxDepth();
        JsonNode depth = node.get("depth");
        if (depth != null && !depth.isNull()) {
            String p = path + "/depth";
            if (depth.isIntegralNumber()) {
                minDepth = maxDepth = ConfigNodes.asInt(depth, p, 1, SearchSpace.MAX_DEPTH_LIMIT);
            } else {
                ConfigNodes.requireObject(depth, p);
                ConfigNodes.requireKnownKeys(depth, p, List.of("min", "max"));
                minDepth = ConfigNodes.intField(depth, "min", p, minDepth, 1, SearchSpace.MAX_DEPTH_LIMIT);
                maxDepth = ConfigNodes.intField(depth, "max", p, maxDepth, 1, SearchSpace.MAX_DEPTH_LIMIT);
            }
        }
        try {
            return new SearchSpace(
                    minDepth,
                    maxDepth,
                    ConfigNodes.listField(node, "kinds", path, d.kinds(),
                            (n, p) -> ConfigNodes.named(n, p, Sublayer.Kind::fromConfigName,
                                    Sublayer.Kind.allowedNames())),
                    ConfigNodes.listField(node, "ffn_widths", path, d.ffnWidths(),
                            ConfigNodes.intIn(1, Limits.MAX_WIDTH)),
                    ConfigNodes.listField(node, "heads", path, d.heads(), ConfigNodes.intIn(1, Limits.MAX_HEADS)),
                    ConfigNodes.listField(node, "residual", path, d.residual(), SearchSpaceReader::bool),
                    ConfigNodes.listField(node, "activations", path, d.activations(),
                            (n, p) -> ConfigNodes.named(n, p, Activation::fromConfigName, Activation.allowedNames())),
                    ConfigNodes.listField(node, "d_model", path, d.dModels(), ConfigNodes.intIn(1, Limits.MAX_D_MODEL)),
                    ConfigNodes.intField(node, "context", path, d.context(), 1, Limits.MAX_CONTEXT),
                    ConfigNodes.listField(node, "norms", path, d.norms(),
                            (n, p) -> ConfigNodes.named(n, p, NormPlacement::fromConfigName, "pre, post")),
                    ConfigNodes.listField(node, "deep_ffn_layers", path, d.deepFfnLayers(),
                            ConfigNodes.intIn(2, Limits.MAX_DEEP_LAYERS)),
                    ConfigNodes.listField(node, "moe_experts", path, d.moeExperts(),
                            ConfigNodes.intIn(2, Limits.MAX_EXPERTS)),
                    ConfigNodes.listField(node, "moe_top_k", path, d.moeTopK(), ConfigNodes.intIn(1, Limits.MAX_EXPERTS)),
                    ConfigNodes.listField(node, "norm_kinds", path, d.normKinds(),
                            (n, p) -> ConfigNodes.named(n, p, NormKind::fromConfigName, "layernorm, rmsnorm")));
        } catch (SpaceException e) {
            if (path.isEmpty() || e.path().startsWith(path)) {
                throw e;
            }
            throw new SpaceException(path + e.path(), e.getMessage().substring(e.path().length() + 2));
        }
    }

    private static boolean bool(JsonNode n, String path) {
        if (!n.isBoolean()) {
            throw new SpaceException(path, "must be true or false, got " + ConfigNodes.describe(n));
        }
        return n.booleanValue();
    }
}
