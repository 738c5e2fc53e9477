package dev.sublayer.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.space.NormPlacement;
import dev.sublayer.space.Notation;
import org.junit.jupiter.api.Test;

class ArchitectureStripTest {

    @Test
    void attentionIsRoundAndFixedFfnGrowsWithWidthResidualsGetArcs() {
        ArchitectureStrip s = ArchitectureStrip.of(Notation.parse("A4 F256 F1024! A2 F64", 128, 64, NormPlacement.PRE),
                1024);
        assertThat(s.blocks()).hasSize(5);
        var a4 = s.blocks().get(0);
        var f256 = s.blocks().get(1);
        var f1024 = s.blocks().get(2);
        var a2 = s.blocks().get(3);
        var f64 = s.blocks().get(4);
        assertThat(a4.attention()).isTrue();
        assertThat(a4.radius()).isEqualTo(a4.w() / 2);
        assertThat(a4.h()).isEqualTo(a2.h());
        assertThat(f256.radius()).isLessThan(a4.radius());
        assertThat(f1024.h()).isEqualTo(ArchitectureStrip.MAX_FFN_HEIGHT);
        assertThat(f256.h()).isEqualTo(ArchitectureStrip.MAX_FFN_HEIGHT / 2);
        assertThat(f64.h()).isEqualTo(ArchitectureStrip.MAX_FFN_HEIGHT / 4);
        assertThat(f1024.residual()).isFalse();
        assertThat(f1024.arc()).isEmpty();
        assertThat(f1024.cssClass()).contains("blk-nores");
        assertThat(a4.arc()).startsWith("M").contains("Q");
        // Blocks are centred on the residual stream and laid out left to right without overlap.
        for (int i = 0; i < s.blocks().size(); i++) {
            var b = s.blocks().get(i);
            assertThat(b.y() + b.h() / 2).isEqualTo(s.lineY());
            if (i > 0) {
                assertThat(b.x()).isGreaterThan(s.blocks().get(i - 1).x() + s.blocks().get(i - 1).w());
            }
        }
        assertThat(s.width()).isGreaterThan((int) (f64.x() + f64.w()));
        assertThat(f1024.title()).isEqualTo("3: F1024! (FFN width 1024, gelu, no residual)");
        assertThat(a2.title()).isEqualTo("4: A2 (attention, 2 heads, residual)");
    }
}
