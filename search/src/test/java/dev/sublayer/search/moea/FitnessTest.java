package dev.sublayer.search.moea;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenetics.IntegerChromosome;
import io.jenetics.IntegerGene;
import io.jenetics.Genotype;
import io.jenetics.Optimize;
import io.jenetics.Phenotype;
import io.jenetics.ext.moea.NSGA2Selector;
import io.jenetics.ext.moea.Pareto;
import io.jenetics.util.ISeq;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitnessTest {

    @Test
    void sameRungComparesByParetoDominanceOfMinimisedValues() {
        Fitness a = Fitness.of(1, 2.0, 100);
        Fitness b = Fitness.of(1, 2.5, 100);
        Fitness c = Fitness.of(1, 3.0, 50);
        assertThat(a.dominance(b)).isEqualTo(1);
        assertThat(b.dominance(a)).isEqualTo(-1);
        assertThat(a.dominance(c)).isZero();
        assertThat(a.dominance(Fitness.of(1, 2.0, 100))).isZero();
    }

    @Test
    void higherRungDominatesWhateverTheValuesAndFailuresLose() {
        Fitness low = Fitness.of(0, 1.0, 10);
        Fitness high = Fitness.of(1, 5.0, 1000);
        Fitness failed = Fitness.failed(8.0, 1e9);
        assertThat(high.dominance(low)).isEqualTo(1);
        assertThat(low.dominance(high)).isEqualTo(-1);
        assertThat(low.dominance(failed)).isEqualTo(1);
        assertThat(failed.failed()).isTrue();
        assertThat(high.compareTo(low)).isPositive();
    }

    @Test
    void jeneticsRanksStratifiedByRung() {
        List<Fitness> f = List.of(Fitness.of(0, 1.0, 1), Fitness.of(1, 3.0, 3), Fitness.of(1, 2.0, 4),
                Fitness.of(1, 4.0, 4), Fitness.failed(8, 8));
        int[] rank = Pareto.rank(ISeq.of(f));
        // Rung 1's front {1, 2}, then 3 (dominated by 1 at rung 1), then the rung-0 one, then the failure.
        assertThat(rank).containsExactly(2, 0, 0, 1, 3);
        Ranking r = Ranking.of(f);
        assertThat(r.front()).containsExactly(1, 2);
        assertThat(r.order()).containsExactly(1, 2, 3, 0, 4);
    }

    @Test
    void nsga2SelectorKeepsTheHighestRungsFrontFirst() {
        IntegerChromosome proto = IntegerChromosome.of(0, 10, 1);
        List<Fitness> f = List.of(Fitness.of(0, 0.5, 1), Fitness.of(1, 3.0, 3), Fitness.of(1, 2.0, 4),
                Fitness.of(1, 4.0, 5), Fitness.of(0, 1.0, 2));
        ISeq<Phenotype<IntegerGene, Fitness>> pop = ISeq.of(f.stream()
                .map(x -> Phenotype.<IntegerGene, Fitness>of(Genotype.of(proto.newInstance()), 0, x)).toList());
        ISeq<Phenotype<IntegerGene, Fitness>> kept = NSGA2Selector.<IntegerGene, double[], Fitness>ofVec()
                .select(pop, 2, Optimize.MAXIMUM);
        assertThat(kept.stream().map(Phenotype::fitness).toList())
                .containsExactlyInAnyOrder(f.get(1), f.get(2));
    }

    @Test
    void crowdingIsComputedWithinEachFront() {
        List<Fitness> f = List.of(Fitness.of(0, 1, 9), Fitness.of(0, 2, 5), Fitness.of(0, 2.1, 4.9),
                Fitness.of(0, 9, 1));
        Ranking r = Ranking.of(f);
        assertThat(r.crowding(0)).isInfinite();
        assertThat(r.crowding(3)).isInfinite();
        // The two close points in the middle: the one with more room around it comes first.
        assertThat(r.crowding(1)).isLessThan(r.crowding(2));
        assertThat(r.order()).startsWith(0, 3, 2, 1);
    }

    @Test
    void rejectsNanAndEmptyValues() {
        assertThatThrownBy(() -> Fitness.of(0, Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Fitness.of(0)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Fitness.of(-1, 1)).hasMessageContaining("rung >= 0");
        assertThat(Fitness.restore(-1, new double[] {1, 2})).isEqualTo(Fitness.failed(1, 2));
    }
}
