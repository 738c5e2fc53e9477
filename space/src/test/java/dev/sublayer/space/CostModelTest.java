package dev.sublayer.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostModelTest {

    /**
     * The largest architectures the {@link Limits} allow: their per-token figures are exact (checked against the
     * documented formulas in {@link BigInteger}), so no per-sublayer product wraps round.
     */
    @Test
    void theLargestArchitecturesWithinTheLimitsCountExactly() {
        BigInteger d = BigInteger.valueOf(Limits.MAX_D_MODEL);
        BigInteger w = BigInteger.valueOf(Limits.MAX_WIDTH);
        BigInteger layers = BigInteger.valueOf(Limits.MAX_DEEP_LAYERS);
        BigInteger experts = BigInteger.valueOf(Limits.MAX_EXPERTS);
        BigInteger depth = BigInteger.valueOf(Limits.MAX_SUBLAYERS);
        BigInteger two = BigInteger.TWO;
        BigInteger norm = two.multiply(d);
        BigInteger head = two.multiply(d).multiply(BigInteger.valueOf(256));
        BigInteger gatedFfn = two.multiply(d.multiply(w).add(w)).add(w.multiply(d)).add(d);

        // 1024 x D1048576x64:swiglu: gate and value into every hidden layer, then w -> d.
        BigInteger intoHidden = d.multiply(w).add(w).add(layers.subtract(BigInteger.ONE).multiply(w.multiply(w).add(w)));
        BigInteger deepParams = norm.add(two.multiply(intoHidden)).add(w.multiply(d)).add(d);
        BigInteger deepFlops = two.multiply(two.multiply(d).multiply(w)
                .add(layers.subtract(BigInteger.ONE).multiply(two).multiply(w).multiply(w))).add(two.multiply(w).multiply(d));
        Cost deep = CostModel.of(largest("D1048576x64:swiglu"), ModelShape.bytes());
        assertThat(deep.nonEmbeddingParams()).isEqualTo(depth.multiply(deepParams).add(norm).longValueExact());
        assertThat(deep.forwardFlopsPerToken()).isEqualTo(depth.multiply(deepFlops).add(head).longValueExact());
        assertThat(deep.trainingFlopsPerToken()).isEqualTo(3 * deep.forwardFlopsPerToken());

        // 1024 x M1024k1024/1048576:swiglu: router and every expert; every expert active.
        BigInteger moeParams = norm.add(d.multiply(experts)).add(experts.multiply(gatedFfn));
        BigInteger moeFlops = two.multiply(d).multiply(experts).add(experts.multiply(BigInteger.valueOf(6)).multiply(d).multiply(w));
        Cost moe = CostModel.of(largest("M1024k1024/1048576:swiglu"), ModelShape.bytes());
        assertThat(moe.nonEmbeddingParams()).isEqualTo(depth.multiply(moeParams).add(norm).longValueExact());
        assertThat(moe.activeParams()).isEqualTo(moe.totalParams());
        assertThat(moe.forwardFlopsPerToken()).isEqualTo(depth.multiply(moeFlops).add(head).longValueExact());
    }

    private static Architecture largest(String token) {
        return Notation.parse("d" + Limits.MAX_D_MODEL + " n1 pre: " + (token + " ").repeat(Limits.MAX_SUBLAYERS));
    }

    @Test
    void aFigureTooLargeToCountIsRefusedNotWrappedRound() {
        // Per-token FLOPs near 2^58 times a context of 2^20 do not fit 64 bits.
        Architecture longContext = Notation.parse("d65536 n1048576 pre: " + "D1048576x64 ".repeat(64));
        assertThatThrownBy(() -> CostModel.of(longContext, ModelShape.bytes()))
                .isInstanceOf(CostOverflowException.class)
                .hasMessage("cannot count the forward FLOPs per sequence: it is above 9,223,372,036,854,775,807 "
                        + "(use a smaller architecture, context or batch)");
        Architecture wide = Notation.parse("d1024 n1048576 pre: A8 F4096");
        assertThat(CostModel.estimateTrainingBytes(wide, ModelShape.bytes(), 1)).isPositive();
        assertThatThrownBy(() -> CostModel.estimateTrainingBytes(wide, ModelShape.bytes(), Integer.MAX_VALUE))
                .isInstanceOf(CostOverflowException.class)
                .hasMessageStartingWith("cannot count the training-memory estimate");
        // A constraint check takes an uncountable cost as a violation instead of failing.
        assertThat(Constraints.none().violations(longContext, ModelShape.bytes(), 1))
                .containsExactly("cannot count the forward FLOPs per sequence: it is above 9,223,372,036,854,775,807 "
                        + "(use a smaller architecture, context or batch)");
    }

    @Test
    void handComputedInterleavedPair() {
        // d=128, n=128, V=256, tied, pre-LN: A4 F512
        Architecture a = Notation.parse("A4 F512", 128, 128, NormPlacement.PRE);
        Cost c = CostModel.of(a, ModelShape.bytes());
        long attention = 2 * 128 + 4 * 128 * 128 + 4 * 128;          // LN + QKVO with biases = 66,304
        long ffn = 2 * 128 + 2 * 128 * 512 + 512 + 128;              // LN + up/down with biases = 131,968
        long finalNorm = 2 * 128;
        assertThat(attention).isEqualTo(66_304);
        assertThat(ffn).isEqualTo(131_968);
        assertThat(c.nonEmbeddingParams()).isEqualTo(attention + ffn + finalNorm).isEqualTo(198_528);
        assertThat(c.embeddingParams()).isEqualTo(256 * 128 + 128 * 128).isEqualTo(49_152);
        assertThat(c.totalParams()).isEqualTo(247_680);
        long forward = (8L * 128 * 128 + 4L * 128 * 128) + 4L * 128 * 512 + 2L * 128 * 256;
        assertThat(c.forwardFlopsPerToken()).isEqualTo(forward).isEqualTo(524_288);
        assertThat(c.forwardFlopsPerSequence()).isEqualTo(forward * 128);
        assertThat(c.trainingFlopsPerToken()).isEqualTo(3 * forward);
    }

    @Test
    void untiedHeadAndPostNorm() {
        Architecture a = Notation.parse("d64 n32 post: F100! A2", 0, 0, NormPlacement.PRE);
        Cost c = CostModel.of(a, new ModelShape(50, false));
        long ffn = 2 * 64 + 2 * 64 * 100 + 100 + 64;
        long att = 2 * 64 + 4 * 64 * 64 + 4 * 64;
        assertThat(c.nonEmbeddingParams()).isEqualTo(ffn + att); // post-LN: no final norm
        assertThat(c.embeddingParams()).isEqualTo(50 * 64 + 32 * 64 + 64 * 50);
        assertThat(c.forwardFlopsPerToken()).isEqualTo(4L * 64 * 100 + 8L * 64 * 64 + 4L * 32 * 64 + 2L * 64 * 50);
    }

    @Test
    void referenceModel() {
        // The benchmark's reference model: four (A4 F512) pairs, d=128, n=128, tied byte-level head.
        Architecture a = Notation.parse("A4 F512 A4 F512 A4 F512 A4 F512", 128, 128, NormPlacement.PRE);
        assertThat(CostModel.of(a, ModelShape.bytes()).totalParams()).isEqualTo(4 * 198_272L + 256 + 49_152);
    }

    @Test
    void totalsAreSumsOfPartsForRandomArchitectures() {
        Random r = new Random(7);
        for (int i = 0; i < 2000; i++) {
            Architecture a = RandomArchitectures.WIDE.architecture(r);
            ModelShape shape = new ModelShape(1 + r.nextInt(300), r.nextBoolean());
            Cost c = CostModel.of(a, shape);
            long sub = a.sublayers().stream().mapToLong(s -> CostModel.params(s, a.dModel(), a.normKind())).sum();
            long active = a.sublayers().stream()
                    .mapToLong(s -> CostModel.activeParams(s, a.dModel(), a.normKind())).sum();
            long flops = a.sublayers().stream()
                    .mapToLong(s -> CostModel.forwardFlopsPerToken(s, a.dModel(), a.context())).sum();
            long finalNorm = a.norm() == NormPlacement.PRE ? a.normKind().params(a.dModel()) : 0;
            assertThat(c.nonEmbeddingParams()).isEqualTo(sub + finalNorm);
            assertThat(c.totalParams()).isEqualTo(c.nonEmbeddingParams() + c.embeddingParams());
            assertThat(c.activeParams()).isEqualTo(active + finalNorm + c.embeddingParams())
                    .isLessThanOrEqualTo(c.totalParams());
            boolean moe = a.sublayers().stream().anyMatch(s -> s instanceof Sublayer.MixtureOfExperts m
                    && m.topK() < m.experts());
            assertThat(c.activeParams() < c.totalParams()).isEqualTo(moe);
            assertThat(c.forwardFlopsPerToken()).isEqualTo(flops + 2L * a.dModel() * shape.vocabSize());
            assertThat(CostModel.estimateTrainingBytes(a, shape, 8))
                    .isGreaterThan(16 * c.totalParams())
                    .isLessThan(CostModel.estimateTrainingBytes(a, shape, 16));
        }
    }

    /** d=16, n=8, V=256 tied, pre-LN LayerNorm: each kind's parameters and FLOPs worked out by hand. */
    @Test
    void handComputedNewKinds() {
        // norm 32; d→32 544, 32→32 1056, 32→16 528
        assertThat(sublayer("D32x2")).containsExactly(32 + 544 + 1056 + 528, 2L * 16 * 32 + 2L * 32 * 32 + 2L * 32 * 16);
        // gated: the three maps into hidden layers doubled
        assertThat(sublayer("D32x3:swiglu")).containsExactly(32 + 2 * (544 + 2 * 1056) + 528,
                2 * (2L * 16 * 32 + 2 * 2L * 32 * 32) + 2L * 32 * 16);
        // one shared norm, attention 4·16² + 4·16 = 1088, FFN 544 + 528
        assertThat(sublayer("P2/32")).containsExactly(32 + 1088 + 1072, 8L * 16 * 16 + 4L * 8 * 16 + 4L * 16 * 32);
        // router 16·4 without bias, four experts of 1072; the active path is the router and two experts
        assertThat(sublayer("M4k2/32")).containsExactly(32 + 64 + 4 * 1072, 2L * 16 * 4 + 2 * 4L * 16 * 32);
        assertThat(CostModel.activeParams(Notation.parseSublayers("M4k2/32").getFirst(), 16, NormKind.LAYER))
                .isEqualTo(32 + 64 + 2 * 1072);
        // gated FFN: gate and up 544 each, down 528
        assertThat(sublayer("F32:geglu")).containsExactly(32 + 2 * 544 + 528, 6L * 16 * 32);
        assertThat(sublayer("F32:relu2")).containsExactly(32 + 544 + 528, 4L * 16 * 32);
    }

    @Test
    void mixtureOfExpertsReportsTotalAndActiveParams() {
        Architecture a = Notation.parse("d16 n8 pre: A2 M4k2/32");
        Cost c = CostModel.of(a, ModelShape.bytes());
        long embedding = 256 * 16 + 8 * 16;
        assertThat(c.totalParams()).isEqualTo(embedding + (32 + 1088) + (32 + 64 + 4 * 1072) + 32);
        assertThat(c.activeParams()).isEqualTo(c.totalParams() - 2 * 1072);
        assertThat(c.forwardFlopsPerToken()).isEqualTo(8L * 16 * 16 + 4L * 8 * 16 + 2L * 16 * 4 + 2 * 4L * 16 * 32
                + 2L * 16 * 256);
        Cost dense = CostModel.of(Notation.parse("d16 n8 pre: A2 F32"), ModelShape.bytes());
        assertThat(dense.activeParams()).isEqualTo(dense.totalParams());
    }

    @Test
    void rmsNormHasGainOnly() {
        Architecture ln = Notation.parse("d16 n8 pre: A2 F32 P2/32");
        Architecture rms = Notation.parse("d16 n8 pre rms: A2 F32 P2/32");
        // three sublayer norms and the final norm lose their 16 biases each
        assertThat(CostModel.of(ln, ModelShape.bytes()).totalParams() - CostModel.of(rms, ModelShape.bytes()).totalParams())
                .isEqualTo(4 * 16);
        Architecture postRms = Notation.parse("d16 n8 post rms: A2 F32");
        assertThat(CostModel.of(postRms, ModelShape.bytes()).nonEmbeddingParams()).isEqualTo((16 + 1088) + (16 + 1072));
    }

    @Test
    void equalParamsWidthsMatchPlainAndGatedFfns() {
        assertThat(CostModel.equalParamsWidth(1024, Activation.GELU, Activation.SWIGLU, 128)).isEqualTo(682);
        assertThat(CostModel.equalParamsWidth(512, Activation.GEGLU, Activation.GELU, 128)).isEqualTo(769);
        assertThat(CostModel.equalParamsWidth(512, Activation.GELU, Activation.RELU, 128)).isEqualTo(512);
        assertThat(CostModel.equalParamsWidth(1, Activation.GELU, Activation.SWIGLU, 8)).isEqualTo(1);
        Random r = new Random(3);
        for (int i = 0; i < 500; i++) {
            int d = 1 + r.nextInt(512);
            int w = 1 + r.nextInt(4096);
            Activation from = Activation.values()[r.nextInt(Activation.values().length)];
            Activation to = Activation.values()[r.nextInt(Activation.values().length)];
            int match = CostModel.equalParamsWidth(w, from, to, d);
            long target = ffn(w, from, d);
            // no other width comes closer
            for (int other : new int[] {match - 1, match + 1}) {
                if (other >= 1) {
                    assertThat(Math.abs(ffn(other, to, d) - target)).as("d=%d w=%d %s→%s", d, w, from, to)
                            .isGreaterThanOrEqualTo(Math.abs(ffn(match, to, d) - target));
                }
            }
        }
    }

    private static long ffn(int width, Activation a, int d) {
        return CostModel.params(new Sublayer.FeedForward(width, a, true), d, NormKind.LAYER);
    }

    private static long[] sublayer(String token) {
        Sublayer s = Notation.parseSublayers(token).getFirst();
        return new long[] {CostModel.params(s, 16, NormKind.LAYER), CostModel.forwardFlopsPerToken(s, 16, 8)};
    }

    @Test
    void constraintsNameTheLimitExceeded() {
        Architecture a = Notation.parse("A4 F512", 128, 128, NormPlacement.PRE);
        assertThat(new Constraints(100_000, Long.MAX_VALUE, Long.MAX_VALUE).violations(a, ModelShape.bytes(), 32))
                .containsExactly("params 247680 > max_params 100000");
        assertThat(new Constraints(Long.MAX_VALUE, 500_000, 1_000).violations(a, ModelShape.bytes(), 32))
                .hasSize(2);
        assertThat(Constraints.none().violations(a, ModelShape.bytes(), 32)).isEmpty();
    }
}
