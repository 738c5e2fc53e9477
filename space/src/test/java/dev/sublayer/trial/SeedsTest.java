package dev.sublayer.trial;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Golden values of the seed derivation. Every stored trial's seed (and so its key), every generation's draws and
 * every batch of every trial follow from these functions: a changed value re-keys and retrains every stored study.
 */
class SeedsTest {

    @Test
    void mixIsTheSplitMix64Finaliser() {
        // The first output of SplitMix64 seeded with 0 (Steele, Lea and Flood 2014; java.util.SplittableRandom).
        assertThat(Seeds.mix(0, 0)).isEqualTo(0xE220A8397B1DCDAFL);
        assertThat(Seeds.mix(0, 0)).isEqualTo(-2152535657050944081L);
        assertThat(Seeds.mix(42, -1)).isEqualTo(-6387817139659442654L);
        assertThat(Seeds.mix(-7, 123456789)).isEqualTo(-721393613363505542L);
    }

    @Test
    void generationAndTrialSeedsArePinned() {
        assertThat(Seeds.generation(42, 0)).isEqualTo(7455342003288582197L);
        assertThat(Seeds.generation(42, 3)).isEqualTo(3722197711140307443L);
        assertThat(Seeds.trial(42, 0)).isEqualTo(-4856810573582591412L);
        assertThat(Seeds.trial(42, 2)).isEqualTo(-452034844920413129L);
        assertThat(Seeds.trial(42, 0)).isNotEqualTo(Seeds.trial(43, 0)).isNotEqualTo(Seeds.trial(42, 1));
    }
}
