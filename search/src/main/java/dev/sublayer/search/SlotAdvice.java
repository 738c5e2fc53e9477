package dev.sublayer.search;

import dev.sublayer.search.config.Promotion;
import dev.sublayer.search.config.StudyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Warnings for a study that cannot keep its worker slots busy: a generation, or a rung of successive halving,
 * with fewer trials than slots leaves slots (devices) idle while it runs. Each warning says what to set.
 */
final class SlotAdvice {

    private SlotAdvice() {
    }

    /**
     * The warnings for {@code slots} worker slots running generations of {@code generationSize} candidates under
     * {@code config}'s fidelity schedule; empty when every generation and rung can fill the slots.
     */
    static List<String> warnings(StudyConfig config, int slots, int generationSize) {
        List<String> out = new ArrayList<>();
        if (slots <= 1 || generationSize < 1) {
            return out;
        }
        if (generationSize < slots) {
            out.add(String.format(Locale.ROOT, "a generation trains %d candidate%s on %d worker slots: %d slot%s "
                            + "idle at rung 0; raise search.population until a generation has at least %d candidates "
                            + "(or lower workers.count)", generationSize, generationSize == 1 ? "" : "s", slots,
                    slots - generationSize, slots - generationSize == 1 ? " stays" : "s stay", slots));
            return out;
        }
        StudyConfig.Fidelity f = config.fidelity();
        if (f.promotion() != Promotion.HALVING) {
            return out;
        }
        int size = generationSize;
        for (int r = 1; r < f.rungs().size(); r++) {
            size = Math.max(1, (int) Math.ceil(size * f.keepFraction()));
            if (size < slots) {
                int population = (int) Math.ceil(slots / Math.pow(f.keepFraction(), r));
                out.add(String.format(Locale.ROOT, "rung %d trains about %d candidate%s per generation (keep_fraction "
                                + "%s) on %d worker slots: %d slot%s idle while it runs; a generation of at least %d "
                                + "candidates (search.population) or a larger fidelity.keep_fraction fills them",
                        r, size, size == 1 ? "" : "s", f.keepFraction(), slots, slots - size,
                        slots - size == 1 ? " stays" : "s stay", population));
                break;
            }
        }
        return out;
    }
}
