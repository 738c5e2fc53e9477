package dev.sublayer.evaluator;

import dev.sublayer.space.Constraints;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrialRequestJsonTest {

    @Test
    void roundTripIsExactForRandomRequests() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            double lr = rnd.nextDouble(1e-5, 1e-1);
            TrainingConfig t = new TrainingConfig(lr, lr * rnd.nextDouble(), rnd.nextInt(50), 50 + rnd.nextInt(5000),
                    rnd.nextDouble(0, 1), rnd.nextDouble(0, 1), rnd.nextDouble(1e-12, 1e-6), rnd.nextDouble(0, 0.3),
                    rnd.nextDouble(0, 5), rnd.nextBoolean(), rnd.nextDouble(1e-3, 0.1), 1 + rnd.nextInt(50),
                    rnd.nextInt(100), 1 + rnd.nextDouble(1, 5), rnd.nextBoolean() ? 0 : rnd.nextDouble(0, 0.1));
            Budget b = switch (rnd.nextInt(4)) {
                case 0 -> Budget.steps(1 + rnd.nextInt(10_000));
                case 1 -> Budget.tokens(1 + rnd.nextLong(1L << 40));
                case 2 -> Budget.seconds(rnd.nextDouble(0.1, 1e5)).withMaxSteps(7);
                default -> Budget.trainingFlops(rnd.nextDouble(1, 1e18));
            };
            Constraints c = rnd.nextBoolean() ? Constraints.none()
                    : new Constraints(1 + rnd.nextLong(1L << 40), Long.MAX_VALUE, 1 + rnd.nextLong(1L << 40));
            TrialRequest r = new TrialRequest(Notation.parse("d" + (8 * (1 + rnd.nextInt(8))) + " n" + (1 + rnd.nextInt(512))
                    + (rnd.nextBoolean() ? " pre" : " post") + (rnd.nextBoolean() ? " rms" : "") + ": A1 F"
                    + (1 + rnd.nextInt(999)) + "! F3:relu A2! D4x2:swiglu P2/5 M4k2/3:geglu!"),
                    new DataConfig(rnd.nextBoolean() ? "europarl" : "file:/tmp/x y.txt", 1 + rnd.nextInt(64),
                            1 + rnd.nextInt(16), rnd.nextLong()), t, b, rnd.nextLong(), c);
            String json = TrialRequestJson.write(r);
            assertThat(json).doesNotContain("\n");
            assertThat(TrialRequestJson.read(json)).isEqualTo(r);
        }
    }

    @Test
    void requestsWrittenBeforeMixturesOfExpertsReadWithTheDefaultWeight() {
        TrialRequest r = new TrialRequest(Notation.parse("d16 n8 pre: A2 F32"), DataConfig.defaults(),
                TrainingConfig.defaults().withMoeAuxWeight(0.05), Budget.steps(5), 1);
        String json = TrialRequestJson.write(r);
        assertThat(json).contains("\"moe_aux_weight\":0.05");
        assertThat(TrialRequestJson.read(json.replace(",\"moe_aux_weight\":0.05", "")).training())
                .isEqualTo(TrainingConfig.defaults());
        assertThatThrownBy(() -> TrialRequestJson.read(json.replace("\"moe_aux_weight\":0.05", "\"moe_aux_weight\":-1")))
                .hasMessageContaining("moe_aux_weight must be a finite number >= 0, got -1.0");
    }

    @Test
    void badRequestsNameTheJsonPath() {
        TrialRequest r = new TrialRequest(Notation.parse("d16 n8 pre: A2 F32"), DataConfig.defaults(),
                TrainingConfig.defaults(), Budget.steps(5), 1);
        String json = TrialRequestJson.write(r);
        assertThatThrownBy(() -> TrialRequestJson.read(json.replace("\"batch_size\":32", "\"batch_size\":\"x\"")))
                .hasMessageContaining("/data/batch_size");
        assertThatThrownBy(() -> TrialRequestJson.read(json.replace("\"tied_head\":true", "\"tied_head\":1")))
                .hasMessageContaining("/training/tied_head").hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> TrialRequestJson.read(json.replace("A2 F32", "A2 Q32")))
                .hasMessageContaining("/architecture");
        assertThatThrownBy(() -> TrialRequestJson.read(json.replace("\"batch_size\":32", "\"batch_size\":0")))
                .hasMessageContaining("batch_size must be >= 1, got 0");
    }
}
