package dev.sublayer.reports;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.Notation;
import dev.sublayer.space.Sublayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry of one architecture drawn as a horizontal SVG strip, bottom sublayer on the left. The
 * template {@code strip.jte} turns it into markup, so every text in it is escaped by the template engine.
 *
 * <p>Drawing rules, chosen so a reader sees the layout at a glance: the residual stream is a horizontal line;
 * attention sublayers are round orange blocks of one fixed size; FFN sublayers are square-cornered blue blocks
 * whose height grows with the FFN width (square root of the width relative to the widest FFN in the report, so
 * a four times wider FFN is twice as tall); a residual connection is an arc that jumps over its block, and a
 * sublayer without one has no arc and a dashed outline. Deep-FFN and mixture-of-experts sublayers are drawn as
 * FFNs of their (expert) width, parallel attention+FFN blocks as attention; the tooltip names the kind.
 *
 * @param width  the SVG width in pixels
 * @param height the SVG height in pixels
 * @param label  the accessible name (the notation)
 * @param blocks the sublayers, bottom first
 * @param lineY  the y of the residual-stream line
 */
record ArchitectureStrip(int width, int height, String label, List<Block> blocks, int lineY) {

    /**
     * One sublayer's block.
     *
     * @param x         left edge
     * @param y         top edge
     * @param w         width
     * @param h         height
     * @param attention whether it is attention (else FFN)
     * @param residual  whether it has a residual connection
     * @param arc       the SVG path of its residual arc, empty without one
     * @param title     the tooltip, e.g. {@code 3: F512 (gelu, residual)}
     */
    record Block(double x, double y, double w, double h, boolean attention, boolean residual, String arc,
            String title) {

        /** The corner radius: round for attention, square for FFN. */
        double radius() {
            return attention ? w / 2 : 1;
        }

        /** The CSS class that colours it. */
        String cssClass() {
            return (attention ? "blk-a" : "blk-f") + (residual ? "" : " blk-nores");
        }
    }

    static final int BLOCK_WIDTH = 12;
    static final int GAP = 5;
    static final int HEIGHT = 50;
    static final int LINE_Y = 33;
    static final double MAX_FFN_HEIGHT = 28;
    static final double MIN_FFN_HEIGHT = 6;
    static final double ATTENTION_SIZE = 12;
    static final double ARC_TOP = 4;

    /**
     * The strip of {@code a}, with FFN heights relative to {@code widestFfn}.
     *
     * @param widestFfn the widest FFN anywhere in the report, so strips compare across rows; >= 1
     */
    static ArchitectureStrip of(Architecture a, int widestFfn) {
        List<Block> blocks = new ArrayList<>(a.depth());
        double x = GAP;
        for (int i = 0; i < a.depth(); i++) {
            Sublayer s = a.sublayers().get(i);
            boolean attention = s.attends();
            double h = attention ? ATTENTION_SIZE : Math.max(MIN_FFN_HEIGHT,
                    MAX_FFN_HEIGHT * Math.sqrt(Math.min(1.0, (double) ffnWidth(s) / Math.max(1, widestFfn))));
            String arc = "";
            if (s.residual()) {
                double x0 = x - 2;
                double x1 = x + BLOCK_WIDTH + 2;
                // A quadratic Bezier reaches halfway to its control point: aim the control so the apex is ARC_TOP.
                double control = 2 * ARC_TOP - LINE_Y;
                arc = String.format(Locale.ROOT, "M%.1f %d Q%.1f %.1f %.1f %d", x0, LINE_Y, (x0 + x1) / 2, control,
                        x1, LINE_Y);
            }
            blocks.add(new Block(x, LINE_Y - h / 2, BLOCK_WIDTH, h, attention, s.residual(), arc,
                    (i + 1) + ": " + describe(s)));
            x += BLOCK_WIDTH + GAP;
        }
        return new ArchitectureStrip((int) Math.ceil(x), HEIGHT, a.notation(), List.copyOf(blocks), LINE_Y);
    }

    /** The hidden width of a sublayer's FFN path (an expert's for MoE), 0 for attention. */
    static int ffnWidth(Sublayer s) {
        return switch (s) {
            case Sublayer.Attention ignored -> 0;
            case Sublayer.FeedForward f -> f.width();
            case Sublayer.DeepFeedForward f -> f.width();
            case Sublayer.Parallel p -> p.width();
            case Sublayer.MixtureOfExperts m -> m.width();
        };
    }

    private static String describe(Sublayer s) {
        String residual = s.residual() ? "residual" : "no residual";
        return switch (s) {
            case Sublayer.Attention at -> Notation.format(s) + " (attention, " + at.heads() + " heads, " + residual + ")";
            case Sublayer.FeedForward f -> Notation.format(s) + " (FFN width " + f.width() + ", "
                    + f.activation().configName() + ", " + residual + ")";
            case Sublayer.DeepFeedForward f -> Notation.format(s) + " (deep FFN, " + f.layers() + " hidden layers of "
                    + f.width() + ", " + f.activation().configName() + ", " + residual + ")";
            case Sublayer.Parallel p -> Notation.format(s) + " (parallel attention " + p.heads() + " heads + FFN width "
                    + p.width() + ", " + p.activation().configName() + ", " + residual + ")";
            case Sublayer.MixtureOfExperts m -> Notation.format(s) + " (mixture of " + m.experts() + " experts, top "
                    + m.topK() + ", width " + m.width() + ", " + m.activation().configName() + ", " + residual + ")";
        };
    }
}
