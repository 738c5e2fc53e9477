package dev.sublayer.space;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A decoder-only transformer as an ordered list of sublayers plus its global
 * dimensions. Immutable; equal architectures have equal {@linkplain #canonical()
 * canonical text} and {@linkplain #id() id}.
 *
 * <p>The vocabulary size is not part of the architecture: it comes from the data
 * (256 for byte-level text), and the cost model takes it separately.
 *
 * @param sublayers the sublayers, bottom (next to the embedding) first; not empty, at most
 *                  {@link Limits#MAX_SUBLAYERS}
 * @param dModel    the residual-stream width, positive, at most {@link Limits#MAX_D_MODEL}, divisible by every
 *                  attention's heads
 * @param context   the context length in tokens, positive, at most {@link Limits#MAX_CONTEXT}
 * @param norm      where the norms sit
 * @param normKind  which norm every norm is (LayerNorm or RMSNorm)
 */
public record Architecture(List<Sublayer> sublayers, int dModel, int context, NormPlacement norm, NormKind normKind) {

    public Architecture {
        Objects.requireNonNull(sublayers, "sublayers");
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(normKind, "normKind");
        sublayers = List.copyOf(sublayers);
        if (sublayers.isEmpty()) {
            throw new IllegalArgumentException("an architecture needs at least one sublayer, got none");
        }
        Limits.requireAtMost("an architecture's sublayer count", sublayers.size(), Limits.MAX_SUBLAYERS);
        if (dModel < 1) {
            throw new IllegalArgumentException("d_model must be >= 1, got " + dModel);
        }
        Limits.requireAtMost("d_model", dModel, Limits.MAX_D_MODEL);
        if (context < 1) {
            throw new IllegalArgumentException("context must be >= 1, got " + context);
        }
        Limits.requireAtMost("context", context, Limits.MAX_CONTEXT);
        for (int i = 0; i < sublayers.size(); i++) {
            int heads = switch (sublayers.get(i)) {
                case Sublayer.Attention a -> a.heads();
                case Sublayer.Parallel p -> p.heads();
                case Sublayer.FeedForward ignored -> 1;
                case Sublayer.DeepFeedForward ignored -> 1;
                case Sublayer.MixtureOfExperts ignored -> 1;
            };
            if (dModel % heads != 0) {
                throw new IllegalArgumentException("sublayer " + (i + 1) + " (" + Notation.format(sublayers.get(i))
                        + "): heads " + heads + " must divide d_model " + dModel);
            }
        }
    }

    /** An architecture with LayerNorms at the given placement. */
    public Architecture(List<Sublayer> sublayers, int dModel, int context, NormPlacement norm) {
        this(sublayers, dModel, context, norm, NormKind.LAYER);
    }

    /** An architecture with pre-LN LayerNorms. */
    public static Architecture of(List<Sublayer> sublayers, int dModel, int context) {
        return new Architecture(sublayers, dModel, context, NormPlacement.PRE, NormKind.LAYER);
    }

    /** The number of sublayers. */
    public int depth() {
        return sublayers.size();
    }

    /** The sublayer list in notation, e.g. {@code A4 F512 F512! A4 F1024}. */
    public String notation() {
        return Notation.format(sublayers);
    }

    /**
     * The full canonical text, dimensions included, e.g.
     * {@code d128 n256 pre: A4 F512 A4 F512} or {@code d128 n256 pre rms: A4 F512};
     * {@link Notation#parse(String)} reads it back.
     */
    public String canonical() {
        return Notation.format(this);
    }

    /** A stable 16-hex-digit id: the start of the SHA-256 of the canonical text. */
    public String id() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** This architecture with other sublayers and the same dimensions. */
    public Architecture withSublayers(List<Sublayer> newSublayers) {
        return new Architecture(newSublayers, dModel, context, norm, normKind);
    }

    @Override
    public String toString() {
        return canonical();
    }
}
