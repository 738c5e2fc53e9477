package dev.sublayer.evaluator;

import dev.sublayer.space.Architecture;
import dev.sublayer.space.CostModel;
import dev.sublayer.space.ModelShape;
import dev.sublayer.space.Notation;
import dev.sublayer.space.RandomArchitectures;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterLayoutTest {

    @Test
    void parameterCountEqualsTheCostModelForManyRandomArchitectures() {
        SplittableRandom rnd = new SplittableRandom(77);
        for (int i = 0; i < 200; i++) {
            Architecture a = RandomArchitectures.TINY.architecture(rnd);
            ModelShape shape = new ModelShape(rnd.nextBoolean() ? 256 : 1 + rnd.nextInt(300), rnd.nextBoolean());
            ParameterLayout layout = ParameterLayout.of(a, shape, 0.02);
            assertThat(layout.parameterCount()).as("%s %s", a.canonical(), shape)
                    .isEqualTo(CostModel.of(a, shape).totalParams());
            List<String> names = layout.parameters().stream().map(ParameterLayout.Parameter::name).toList();
            assertThat(new HashSet<>(names)).as("unique names").hasSameSizeAs(names);
        }
    }

    @Test
    void namesOrderShapesDecayAndInitFollowTheDocumentedLayout() {
        ParameterLayout pre = ParameterLayout.of(Notation.parse("d8 n4 pre: A2 F12!"), new ModelShape(10, false), 0.1);
        assertThat(pre.parameters()).extracting(ParameterLayout.Parameter::name).containsExactly(
                "wte", "wpe", "h0.ln.g", "h0.ln.b", "h0.attn.q.w", "h0.attn.q.b", "h0.attn.k.w", "h0.attn.k.b",
                "h0.attn.v.w", "h0.attn.v.b", "h0.attn.o.w", "h0.attn.o.b", "h1.ln.g", "h1.ln.b", "h1.ffn.up.w",
                "h1.ffn.up.b", "h1.ffn.down.w", "h1.ffn.down.b", "ln_f.g", "ln_f.b", "head");
        assertThat(pre.parameter("wte").shape()).containsExactly(10, 8);
        assertThat(pre.parameter("wpe").shape()).containsExactly(4, 8);
        assertThat(pre.parameter("h1.ffn.up.w").shape()).containsExactly(8, 12);
        assertThat(pre.parameter("h1.ffn.down.w").shape()).containsExactly(12, 8);
        assertThat(pre.parameter("head").shape()).containsExactly(8, 10);
        assertThat(pre.parameter("h0.attn.q.w").std()).isEqualTo(0.1);
        assertThat(pre.parameter("h0.attn.o.w").std()).isEqualTo(0.1 / Math.sqrt(2));
        assertThat(pre.parameter("h1.ffn.down.w").std()).isEqualTo(0.1 / Math.sqrt(2));
        assertThat(pre.parameters()).filteredOn(ParameterLayout.Parameter::decayed)
                .extracting(ParameterLayout.Parameter::name)
                .containsExactly("wte", "wpe", "h0.attn.q.w", "h0.attn.k.w", "h0.attn.v.w", "h0.attn.o.w",
                        "h1.ffn.up.w", "h1.ffn.down.w", "head");
        assertThat(pre.parameter("h0.ln.g").init()).isEqualTo(ParameterLayout.Init.ONES);
        assertThat(pre.parameter("h0.ln.b").init()).isEqualTo(ParameterLayout.Init.ZEROS);

        ParameterLayout post = ParameterLayout.of(Notation.parse("d8 n4 post: F12"), ModelShape.bytes(), 0.1);
        assertThat(post.parameters()).extracting(ParameterLayout.Parameter::name).containsExactly(
                "wte", "wpe", "h0.ffn.up.w", "h0.ffn.up.b", "h0.ffn.down.w", "h0.ffn.down.b", "h0.ln.g", "h0.ln.b");
    }

    @Test
    void theRicherKindsGatesRoutersExpertsAndRmsNormHaveTheirPlace() {
        ParameterLayout l = ParameterLayout.of(Notation.parse("d8 n4 pre rms: D6x3:swiglu P2/5 M3k2/4"),
                ModelShape.bytes(), 0.1);
        assertThat(l.parameters()).extracting(ParameterLayout.Parameter::name).containsExactly(
                "wte", "wpe",
                "h0.ln.g", "h0.ffn.up_gate.w", "h0.ffn.up_gate.b", "h0.ffn.up.w", "h0.ffn.up.b",
                "h0.ffn.mid1_gate.w", "h0.ffn.mid1_gate.b", "h0.ffn.mid1.w", "h0.ffn.mid1.b",
                "h0.ffn.mid2_gate.w", "h0.ffn.mid2_gate.b", "h0.ffn.mid2.w", "h0.ffn.mid2.b",
                "h0.ffn.down.w", "h0.ffn.down.b",
                "h1.ln.g", "h1.attn.q.w", "h1.attn.q.b", "h1.attn.k.w", "h1.attn.k.b", "h1.attn.v.w", "h1.attn.v.b",
                "h1.attn.o.w", "h1.attn.o.b", "h1.ffn.up.w", "h1.ffn.up.b", "h1.ffn.down.w", "h1.ffn.down.b",
                "h2.ln.g", "h2.moe.router",
                "h2.moe.e0.up.w", "h2.moe.e0.up.b", "h2.moe.e0.down.w", "h2.moe.e0.down.b",
                "h2.moe.e1.up.w", "h2.moe.e1.up.b", "h2.moe.e1.down.w", "h2.moe.e1.down.b",
                "h2.moe.e2.up.w", "h2.moe.e2.up.b", "h2.moe.e2.down.w", "h2.moe.e2.down.b",
                "ln_f.g");
        assertThat(l.parameter("h0.ffn.mid1.w").shape()).containsExactly(6, 6);
        assertThat(l.parameter("h2.moe.router").shape()).containsExactly(8, 3);
        assertThat(l.parameter("h2.moe.router").decayed()).isTrue();
        assertThat(l.parameter("h2.moe.e1.down.w").std()).isEqualTo(0.1 / Math.sqrt(3));
        assertThat(l.parameter("h0.ffn.up_gate.w").std()).isEqualTo(0.1);
    }

    @Test
    void initialValuesArePureFunctionsOfTheSeedWithTheStatedDistributions() {
        ParameterLayout layout = ParameterLayout.of(Notation.parse("d32 n16 pre: A4 F128"), ModelShape.bytes(), 0.02);
        ParameterLayout.Initialiser a = layout.initialiser(5);
        ParameterLayout.Initialiser b = layout.initialiser(5);
        ParameterLayout.Initialiser c = layout.initialiser(6);
        for (ParameterLayout.Parameter p : layout.parameters()) {
            double[] x = a.next(p.name());
            assertThat(b.next(p.name())).as(p.name()).containsExactly(x);
            double[] y = c.next(p.name());
            assertThat(x).hasSize((int) p.size());
            switch (p.init()) {
                case ONES -> assertThat(x).containsOnly(1.0);
                case ZEROS -> assertThat(x).containsOnly(0.0);
                case NORMAL -> {
                    assertThat(y).isNotEqualTo(x);
                    double sum = 0;
                    double squares = 0;
                    for (double v : x) {
                        sum += v;
                        squares += v * v;
                    }
                    double mean = sum / x.length;
                    double std = Math.sqrt(squares / x.length - mean * mean);
                    // at least 2048 draws each: the sample std is within 10% of the target
                    assertThat(std).as("std of %s", p.name()).isCloseTo(p.std(), org.assertj.core.data.Percentage.withPercentage(10));
                    assertThat(Math.abs(mean)).isLessThan(4 * p.std() / Math.sqrt(x.length));
                }
            }
        }
        assertThat(a.hasNext()).isFalse();
    }

    @Test
    void anEngineThatAsksInAnotherOrderFailsInsteadOfDrawingOtherValues() {
        ParameterLayout layout = ParameterLayout.of(Notation.parse("d8 n4 pre: A2"), ModelShape.bytes(), 0.02);
        ParameterLayout.Initialiser init = layout.initialiser(1);
        init.next("wte");
        assertThatThrownBy(() -> init.next("h0.ln.g")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'h0.ln.g'").hasMessageContaining("'wpe'");
        assertThatThrownBy(() -> ParameterLayout.of(Notation.parse("d8 n4 pre: A2"), ModelShape.bytes(), 0))
                .hasMessage("init_std must be > 0, got 0.0");
    }
}
