package dev.sublayer.space;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a {@link SearchSpace} from YAML or JSON (JSON is YAML). Every key is
 * optional and defaults to {@link SearchSpace#defaults()}; unknown keys are errors.
 *
 * <pre>
 * depth: {min: 2, max: 8}
 * kinds: [attention, ffn]
 * ffn_widths: [256, 512, 1024]
 * heads: [2, 4]
 * residual: [true, false]     # [true] = always residual
 * activations: [gelu]         # relu, gelu
 * d_model: [128]
 * context: 128
 * norms: [pre]                # pre, post
 * </pre>
 */
public final class SearchSpaceReader {

    /** The keys a search-space mapping may have. */
    public static final List<String> KEYS = List.of(
            "depth", "kinds", "ffn_widths", "heads", "residual", "activations", "d_model", "context", "norms");

    private SearchSpaceReader() {
    }

    /**
     * Reads a space from YAML or JSON text.
     *
     * @throws SpaceException naming the offending field
     */
    public static SearchSpace fromText(String text) {
        JsonNode root;
        try {
            root = YAMLMapper.builder().build().readTree(text);
        } catch (JacksonException e) {
            throw new SpaceException("/", "not valid YAML or JSON: " + e.getOriginalMessage());
        }
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
                minDepth = maxDepth = ConfigNodes.asInt(depth, p);
            } else {
                ConfigNodes.requireObject(depth, p);
                ConfigNodes.requireKnownKeys(depth, p, List.of("min", "max"));
                minDepth = ConfigNodes.intField(depth, "min", p, minDepth);
                maxDepth = ConfigNodes.intField(depth, "max", p, maxDepth);
            }
        }
        try {
            return new SearchSpace(
                    minDepth,
                    maxDepth,
                    ConfigNodes.listField(node, "kinds", path, d.kinds(),
                            (n, p) -> ConfigNodes.named(n, p, SearchSpaceReader::kind, "attention, ffn")),
                    ConfigNodes.listField(node, "ffn_widths", path, d.ffnWidths(), ConfigNodes::asInt),
                    ConfigNodes.listField(node, "heads", path, d.heads(), ConfigNodes::asInt),
                    ConfigNodes.listField(node, "residual", path, d.residual(), SearchSpaceReader::bool),
                    ConfigNodes.listField(node, "activations", path, d.activations(),
                            (n, p) -> ConfigNodes.named(n, p, Activation::fromConfigName, Activation.allowedNames())),
                    ConfigNodes.listField(node, "d_model", path, d.dModels(), ConfigNodes::asInt),
                    ConfigNodes.intField(node, "context", path, d.context()),
                    ConfigNodes.listField(node, "norms", path, d.norms(),
                            (n, p) -> ConfigNodes.named(n, p, NormPlacement::fromConfigName, "pre, post")));
        } catch (SpaceException e) {
            if (path.isEmpty() || e.path().startsWith(path)) {
                throw e;
            }
            throw new SpaceException(path + e.path(), e.getMessage().substring(e.path().length() + 2));
        }
    }

    private static Sublayer.Kind kind(String name) {
        for (Sublayer.Kind k : Sublayer.Kind.values()) {
            if (k.configName().equals(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static boolean bool(JsonNode n, String path) {
        if (!n.isBoolean()) {
            throw new SpaceException(path, "must be true or false, got " + ConfigNodes.describe(n));
        }
        return n.booleanValue();
    }
}
