package dev.sublayer.search.moea;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.uma.jmetal.qualityindicator.impl.hypervolume.impl.WFGHypervolume;

class HypervolumeTest {

    private static final double[] UNIT2 = {1, 1};
    private static final double[] UNIT3 = {1, 1, 1};

    @Test
    void singlePointIsItsBox() {
        assertThat(Hypervolume.of(List.of(new double[] {0.25, 0.5}), UNIT2)).isEqualTo(0.75 * 0.5);
        assertThat(Hypervolume.of(List.of(new double[] {0.5, 0.5, 0.5}), UNIT3)).isEqualTo(0.125);
    }

    @Test
    void twoDimensionsByHand() {
        // Staircase (0.2,0.8) (0.5,0.4) (0.8,0.1) against (1,1):
        // 0.8*0.2 [x 0.2..1 above 0.8] + 0.5*0.4 [x 0.5..1, y 0.4..0.8] + 0.2*0.3 [x 0.8..1, y 0.1..0.4] = 0.42
        List<double[]> pts = List.of(new double[] {0.5, 0.4}, new double[] {0.2, 0.8}, new double[] {0.8, 0.1});
        assertThat(Hypervolume.of(pts, UNIT2)).isCloseTo(0.42, within(1e-12));
        // A dominated point and a duplicate change nothing.
        List<double[]> more = new ArrayList<>(pts);
        more.add(new double[] {0.6, 0.6});
        more.add(new double[] {0.5, 0.4});
        assertThat(Hypervolume.of(more, UNIT2)).isCloseTo(0.42, within(1e-12));
    }

    @Test
    void threeDimensionsByHand() {
        // Two boxes against (1,1,1): a = (0,0,0.5) box 1*1*0.5 = 0.5; b = (0.5,0.5,0) box 0.5*0.5*1 = 0.25;
        // overlap [0.5,1]x[0.5,1]x[0.5,1] = 0.125; union = 0.625.
        List<double[]> pts = List.of(new double[] {0, 0, 0.5}, new double[] {0.5, 0.5, 0});
        assertThat(Hypervolume.of(pts, UNIT3)).isCloseTo(0.625, within(1e-12));
        // Three mutually non-dominated points on the unit simplex corners at 0.5:
        // each box 0.5*0.5*... e.g. (0,0.5,0.5) box 1*0.5*0.5 = 0.25, three of them, pairwise overlaps 0.125 each,
        // triple overlap 0.125: 3*0.25 - 3*0.125 + 0.125 = 0.5.
        List<double[]> tri = List.of(new double[] {0, 0.5, 0.5}, new double[] {0.5, 0, 0.5},
                new double[] {0.5, 0.5, 0});
        assertThat(Hypervolume.of(tri, UNIT3)).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void pointsOutsideTheReferenceAddNothing() {
        assertThat(Hypervolume.of(List.of(new double[] {1.0, 0.2}, new double[] {1.5, -3}), UNIT2)).isZero();
        assertThat(Hypervolume.of(List.of(), UNIT3)).isZero();
    }

    @Test
    void normalisationMapsIdealToZeroAndReferenceToOne() {
        // bits/byte 2.0 of [ideal 0, reference 8] -> 0.25; params 5e5 of [0, 2e6] -> 0.25: box 0.75^2.
        double hv = Hypervolume.normalised(List.of(new double[] {2.0, 5e5}), new double[] {0, 0},
                new double[] {8.0, 2e6});
        assertThat(hv).isCloseTo(0.5625, within(1e-12));
        assertThatThrownBy(() -> Hypervolume.normalised(List.of(), new double[] {1, 0}, new double[] {1, 1}))
                .hasMessageContaining("must be greater than ideal");
    }

    @Test
    void rejectsNanAndWrongLength() {
        assertThatThrownBy(() -> Hypervolume.of(List.of(new double[] {Double.NaN, 0}), UNIT2))
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> Hypervolume.of(List.of(new double[] {0.1}), UNIT2))
                .hasMessageContaining("has 1 objectives");
    }

    /** Seeded random fronts in 2 to 4 objectives: equal to jMetal's WFG hypervolume. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void agreesWithJmetalWfg(int seed) {
        Random random = new Random(seed);
        for (int d = 2; d <= 4; d++) {
            int n = 1 + random.nextInt(d == 4 ? 12 : 30);
            List<double[]> pts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double[] p = new double[d];
                for (int k = 0; k < d; k++) {
                    // A few exact ties, like discrete parameter counts.
                    p[k] = random.nextInt(4) == 0 ? 0.5 : random.nextDouble() * 0.95;
                }
                pts.add(p);
            }
            double[] ref = new double[d];
            java.util.Arrays.fill(ref, 1.0);
            double ours = Hypervolume.of(pts, ref);
            // jMetal's WFG expects a non-dominated set; ours takes any points.
            double theirs = new WFGHypervolume(ref).compute(nonDominated(pts).toArray(new double[0][]));
            assertThat(ours).as("d=%d n=%d", d, n).isCloseTo(theirs, within(1e-9));
        }
    }

    private static List<double[]> nonDominated(List<double[]> pts) {
        List<double[]> out = new ArrayList<>();
        for (double[] p : pts) {
            boolean dominated = false;
            for (double[] q : pts) {
                boolean weak = true;
                boolean strict = false;
                for (int k = 0; k < p.length; k++) {
                    weak &= q[k] <= p[k];
                    strict |= q[k] < p[k];
                }
                dominated |= weak && strict;
            }
            if (!dominated && out.stream().noneMatch(o -> java.util.Arrays.equals(o, p))) {
                out.add(p);
            }
        }
        return out;
    }
}
