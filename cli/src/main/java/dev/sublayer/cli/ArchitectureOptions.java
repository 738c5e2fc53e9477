package dev.sublayer.cli;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.NormKind;
import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import picocli.CommandLine.Option;

/**
 * The options that complete a notation without a header into an {@link Architecture}: shared by
 * {@code arch describe} and {@code evaluate} (a picocli mixin).
 */
final class ArchitectureOptions {

    @Option(names = "--d-model", defaultValue = "128", description = "Residual-stream width (default: ${DEFAULT-VALUE}).")
    int dModel;

    @Option(names = "--context", defaultValue = "128", description = "Context length (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--norm", defaultValue = "pre", description = "Norm placement: pre or post (default: ${DEFAULT-VALUE}).")
    String norm;

    @Option(names = "--norm-kind", defaultValue = "layernorm",
            description = "Norm kind: layernorm or rmsnorm (default: ${DEFAULT-VALUE}).")
    String normKind;

    /**
     * The architecture of {@code notation}, its header (if any) taking precedence over these options.
     *
     * @throws IllegalArgumentException naming the option or the notation token that is wrong
     */
    Architecture parse(String notation) {
        requirePositive("--d-model", dModel);
        requirePositive("--context", context);
        NormPlacement placement;
        try {
            placement = NormPlacement.fromConfigName(norm);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--norm: " + e.getMessage());
        }
        NormKind kind;
        try {
            kind = NormKind.fromConfigName(normKind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--norm-kind: " + e.getMessage());
        }
        return Notation.parse(notation, dModel, context, placement, kind);
    }

    /** Fails with a message naming the option when {@code value} is not positive. */
    static void requirePositive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
    }
}
