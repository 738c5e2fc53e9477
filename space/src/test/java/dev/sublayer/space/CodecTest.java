package dev.sublayer.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenetics.Genotype;
import io.jenetics.IntegerGene;
import io.jenetics.engine.InvertibleCodec;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodecTest {

    @Test
    void everyRandomGenotypeDecodesInsideItsSpaceAndRoundTrips() {
        Random r = new Random(42);
        for (int s = 0; s < 60; s++) {
            SearchSpace space = RandomArchitectures.space(r);
            InvertibleCodec<Architecture, IntegerGene> codec = ArchitectureCodec.of(space);
            for (int i = 0; i < 100; i++) {
                Genotype<IntegerGene> g = RandomArchitectures.genotype(codec, r.nextLong());
                Architecture a = codec.decode(g);
                assertThat(space.violations(a)).as("space %s, arch %s", space, a).isEmpty();
                Genotype<IntegerGene> encoded = codec.encode(a);
                assertThat(encoded.isValid()).isTrue();
                assertThat(codec.decode(encoded)).isEqualTo(a);
            }
        }
    }

    @Test
    void randomGenotypesCoverTheSpace() {
        SearchSpace space = SearchSpace.defaults();
        InvertibleCodec<Architecture, IntegerGene> codec = ArchitectureCodec.of(space);
        Set<Integer> depths = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (long seed = 0; seed < 2000; seed++) {
            Architecture a = codec.decode(RandomArchitectures.genotype(codec, seed));
            depths.add(a.depth());
            a.sublayers().forEach(s -> tokens.add(Notation.format(s)));
        }
        assertThat(depths).containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7, 8);
        // 2 heads + 3 widths, each with and without residual
        assertThat(tokens).hasSize(10);
    }

    @Test
    void randomGenotypesCoverEveryKindAndEveryGene() {
        SearchSpace space = new SearchSpace(1, 6, List.of(Sublayer.Kind.values()), List.of(32, 64), List.of(2, 4),
                List.of(true, false), List.of(Activation.values()), List.of(64), 32, List.of(NormPlacement.values()),
                List.of(2, 3), List.of(4, 8), List.of(1, 2), List.of(NormKind.values()));
        InvertibleCodec<Architecture, IntegerGene> codec = ArchitectureCodec.of(space);
        Set<String> tokens = new HashSet<>();
        Set<NormKind> normKinds = new HashSet<>();
        for (long seed = 0; seed < 3000; seed++) {
            Architecture a = codec.decode(RandomArchitectures.genotype(codec, seed));
            normKinds.add(a.normKind());
            a.sublayers().forEach(s -> tokens.add(Notation.format(s)));
            assertThat(codec.decode(codec.encode(a))).isEqualTo(a);
        }
        assertThat(normKinds).containsExactlyInAnyOrder(NormKind.values());
        // per residual choice: A 2 heads; F 2 widths × 5 activations; D ×2 layers; P ×2 heads; M ×2 experts ×2 top-k
        int perResidual = 2 + 10 + 20 + 20 + 40;
        assertThat(tokens).hasSize(2 * perResidual).contains("D64x3:swiglu!", "P4/32:relu2", "M8k2/64:geglu", "M4k1/32!");
        // the space lists exactly the sublayers the codec produces
        assertThat(space.sublayerChoices()).hasSize(perResidual).doesNotHaveDuplicates()
                .allSatisfy(s -> assertThat(tokens).contains(Notation.format(s)));
    }

    /** Changing a slot's gene changes its sublayer exactly when the codec lists that chromosome for it. */
    @Test
    void slotChromosomesAreExactlyTheGenesASlotReads() {
        SearchSpace space = new SearchSpace(1, 1, List.of(Sublayer.Kind.values()), List.of(32, 64), List.of(2, 4),
                List.of(true, false), List.of(Activation.GELU, Activation.RELU), List.of(64), 32,
                List.of(NormPlacement.PRE), List.of(2, 3), List.of(4, 8), List.of(1, 2), List.of(NormKind.LAYER));
        InvertibleCodec<Architecture, IntegerGene> codec = ArchitectureCodec.of(space);
        for (long seed = 0; seed < 200; seed++) {
            Genotype<IntegerGene> g = RandomArchitectures.genotype(codec, seed);
            Sublayer s = codec.decode(g).sublayers().getFirst();
            List<Integer> read = ArchitectureCodec.slotChromosomes(s);
            for (int c = ArchitectureCodec.WIDTH; c <= ArchitectureCodec.TOP_K; c++) {
                if (c == ArchitectureCodec.RESIDUAL) {
                    continue;
                }
                IntegerGene gene = g.get(c).get(0);
                Genotype<IntegerGene> changed = withGene(g, c, gene.newInstance(1 - gene.intValue()));
                boolean differs = !codec.decode(changed).sublayers().getFirst().equals(s);
                assertThat(differs).as("%s chromosome %d", Notation.format(s), c).isEqualTo(read.contains(c));
            }
        }
    }

    private static Genotype<IntegerGene> withGene(Genotype<IntegerGene> g, int chromosome, IntegerGene gene) {
        List<io.jenetics.IntegerChromosome> chromosomes = new java.util.ArrayList<>();
        for (int c = 0; c < g.length(); c++) {
            io.jenetics.IntegerChromosome ch = (io.jenetics.IntegerChromosome) g.get(c);
            chromosomes.add(c == chromosome ? ch.newInstance(io.jenetics.util.ISeq.of(gene).append(
                    ch.stream().skip(1).toList())) : ch);
        }
        return Genotype.of(chromosomes);
    }

    @Test
    void inactiveGenesDoNotChangeTheArchitecture() {
        SearchSpace space = new SearchSpace(3, 3, List.of(Sublayer.Kind.ATTENTION), List.of(32, 64), List.of(2, 4),
                List.of(true), List.of(Activation.values()), List.of(64), 32, List.of(NormPlacement.PRE),
                List.of(2, 3), List.of(4, 8), List.of(1, 2), List.of(NormKind.LAYER));
        InvertibleCodec<Architecture, IntegerGene> codec = ArchitectureCodec.of(space);
        Set<Architecture> seen = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            seen.add(codec.decode(RandomArchitectures.genotype(codec, seed)));
        }
        assertThat(seen).hasSize(8); // only the three heads genes are active
    }

    @Test
    void namedTemplatesEncodeAtEveryDepthTheSpaceAllows() {
        SearchSpace space = new SearchSpace(1, 24, List.of(Sublayer.Kind.ATTENTION, Sublayer.Kind.FFN),
                List.of(256, 512), List.of(4), List.of(true), List.of(Activation.GELU), List.of(128), 64,
                List.of(NormPlacement.PRE));
        InvertibleCodec<Architecture, IntegerGene> codec = ArchitectureCodec.of(space);
        List<Template> templates = List.of(new Template.Interleaved(), new Template.Sandwich(1), new Template.Sandwich(3),
                new Template.Par(1), new Template.Par(3), new Template.Macaron(), new Template.FfnStacked(2),
                new Template.FfnStacked(3));
        for (Template t : templates) {
            for (int depth = 1; depth <= 24; depth++) {
                Architecture a = t.build(depth, space);
                assertThat(a.depth()).isEqualTo(depth);
                assertThat(codec.decode(codec.encode(a))).as("%s at depth %d", t.name(), depth).isEqualTo(a);
            }
        }
    }

    @Test
    void templatesHaveTheirPublishedShapes() {
        assertThat(kinds(new Template.Interleaved(), 6)).isEqualTo("AFAFAF");
        assertThat(kinds(new Template.Sandwich(2), 8)).isEqualTo("AAAFAFFF");
        assertThat(kinds(new Template.Sandwich(2), 9)).isEqualTo("AAAAFAFFF");
        assertThat(kinds(new Template.Par(2), 9)).isEqualTo("AFFAFFFFF");
        assertThat(kinds(new Template.Macaron(), 6)).isEqualTo("FAFFAF");
        assertThat(kinds(new Template.FfnStacked(3), 8)).isEqualTo("AFFFAFFF");
        assertThat(Template.parse("sandwich_3")).isEqualTo(new Template.Sandwich(3));
        assertThat(Template.parse("ffn_stacked_2")).isEqualTo(new Template.FfnStacked(2));
        assertThatThrownBy(() -> Template.parse("sandwich")).hasMessageContaining("unknown template 'sandwich'");
    }

    @Test
    void encodingAnArchitectureOutsideTheSpaceNamesTheViolation() {
        InvertibleCodec<Architecture, IntegerGene> codec = ArchitectureCodec.of(SearchSpace.defaults());
        Architecture outside = Notation.parse("A8 F300", 128, 128, NormPlacement.PRE);
        assertThatThrownBy(() -> codec.encode(outside))
                .hasMessageContaining("heads 8 is not in heads [2, 4]")
                .hasMessageContaining("width 300 is not in ffn_widths [256, 512, 1024]");
    }

    @Test
    void templatesTakeTheSpacesFirstNormKind() {
        SearchSpace space = new SearchSpace(2, 8, List.of(Sublayer.Kind.ATTENTION, Sublayer.Kind.FFN, Sublayer.Kind.MOE),
                List.of(256), List.of(4), List.of(true), List.of(Activation.SWIGLU), List.of(128), 64,
                List.of(NormPlacement.POST), List.of(2), List.of(4), List.of(1), List.of(NormKind.RMS));
        Architecture a = new Template.Interleaved().build(4, space);
        assertThat(a.canonical()).isEqualTo("d128 n64 post rms: A4 F256:swiglu A4 F256:swiglu");
        assertThat(ArchitectureCodec.of(space).decode(ArchitectureCodec.of(space).encode(a))).isEqualTo(a);
    }

    private static String kinds(Template t, int depth) {
        StringBuilder b = new StringBuilder();
        t.kinds(depth).forEach(k -> b.append(k.letter()));
        return b.toString();
    }
}
