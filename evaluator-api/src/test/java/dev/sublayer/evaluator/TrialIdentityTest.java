package dev.sublayer.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.space.Constraints;
import dev.sublayer.space.Notation;
import dev.sublayer.trial.Budget;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of the trial identity: the canonical text and the key of a few requests, pinned to the character.
 * If one fails, key material changed, and every trial key already stored in users' studies changes with it.
 */
class TrialIdentityTest {

    private static final String CHANGED = "the canonical request encoding or the trial key material changed, so every "
            + "stored trial key changes with it: bump TrialIdentity.KEY_VERSION and write a migration of older stores "
            + "(as dev.sublayer.search.TrialKeyMigration does for v1), then update this golden value";

    /** The defaults, a step budget. */
    static final TrialRequest PLAIN = new TrialRequest(Notation.parse("d16 n16 pre: A2 F32"), DataConfig.defaults(),
            TrainingConfig.defaults(), Budget.steps(100), 1);

    /** Mixture of experts with its load-balancing weight set, RMSNorm, a token budget, a negative seed. */
    static final TrialRequest MOE = new TrialRequest(Notation.parse("d32 n16 pre rms: A4 M4k2/64:swiglu F64"),
            new DataConfig("mqar", 8, 2, 42), TrainingConfig.defaults().withMoeAuxWeight(0.02).withSchedule(10, 500),
            Budget.tokens(1_000_000), -7);

    /** Every budget cap set, constraints, a file corpus, a learning rate that is no short decimal. */
    static final TrialRequest CONSTRAINED = new TrialRequest(
            Notation.parse("d64 n128 post: A4 F256! D128x2:gelu P2/256"),
            new DataConfig("file:/data/corpus one.txt", 16, 4, 3),
            TrainingConfig.defaults().withLearningRate(0.1 + 0.2, 1e-5).withLogging(5, 25).withTiedHead(false),
            new Budget(500, 2_000_000, 90.5, 1.5e15), 1234567890123L,
            new Constraints(1_000_000, 50_000, 1L << 30));

    private static final String PLAIN_RUN = "{\"architecture\":\"d16 n16 pre: A2 F32\",\"seed\":1,"
            + "\"data\":{\"corpus\":\"europarl\",\"batch_size\":32,\"validation_batches\":8,\"data_seed\":0},"
            + "\"training\":{\"learning_rate\":0.001,\"min_learning_rate\":1.0E-4,\"warmup_steps\":100,"
            + "\"schedule_steps\":2000,\"beta1\":0.9,\"beta2\":0.99,\"epsilon\":1.0E-8,\"weight_decay\":0.1,"
            + "\"grad_clip\":1.0,\"tied_head\":true,\"init_std\":0.02,\"log_every\":10,\"valid_every\":0,"
            + "\"divergence_factor\":2.0,\"moe_aux_weight\":0.01}";

    @Test
    void thePlainRequestsCanonicalTextKeyAndFingerprintArePinned() {
        assertThat(TrialRequestJson.write(PLAIN)).as(CHANGED).isEqualTo(PLAIN_RUN.replaceAll("}$", "")
                + "},\"budget\":{\"max_steps\":100,\"max_tokens\":null,\"max_seconds\":null,"
                + "\"max_training_flops\":null},"
                + "\"constraints\":{\"max_params\":null,\"max_flops_per_token\":null,\"max_memory_bytes\":null}}");
        assertThat(TrialIdentity.key("dl4j", PLAIN)).as(CHANGED).isEqualTo("ac509000832bdec5137d");
        assertThat(TrialIdentity.checkpointFingerprint("dl4j", PLAIN)).as(CHANGED)
                .isEqualTo("sublayer-trial-key-v2 dl4j " + PLAIN_RUN + "}");
    }

    @Test
    void theMixtureOfExpertsRequestsCanonicalTextAndKeyArePinned() {
        assertThat(TrialRequestJson.write(MOE)).as(CHANGED).isEqualTo(
                "{\"architecture\":\"d32 n16 pre rms: A4 M4k2/64:swiglu F64\",\"seed\":-7,"
                + "\"data\":{\"corpus\":\"mqar\",\"batch_size\":8,\"validation_batches\":2,\"data_seed\":42},"
                + "\"training\":{\"learning_rate\":0.001,\"min_learning_rate\":1.0E-4,\"warmup_steps\":10,"
                + "\"schedule_steps\":500,\"beta1\":0.9,\"beta2\":0.99,\"epsilon\":1.0E-8,\"weight_decay\":0.1,"
                + "\"grad_clip\":1.0,\"tied_head\":true,\"init_std\":0.02,\"log_every\":10,\"valid_every\":0,"
                + "\"divergence_factor\":2.0,\"moe_aux_weight\":0.02},"
                + "\"budget\":{\"max_steps\":null,\"max_tokens\":1000000,\"max_seconds\":null,"
                + "\"max_training_flops\":null},"
                + "\"constraints\":{\"max_params\":null,\"max_flops_per_token\":null,\"max_memory_bytes\":null}}");
        assertThat(TrialIdentity.key("djl", MOE)).as(CHANGED).isEqualTo("7162323fae2485530f20");
    }

    @Test
    void theConstrainedRequestsCanonicalTextAndKeyArePinned() {
        assertThat(TrialRequestJson.write(CONSTRAINED)).as(CHANGED).isEqualTo(
                "{\"architecture\":\"d64 n128 post: A4 F256! D128x2 P2/256\",\"seed\":1234567890123,"
                + "\"data\":{\"corpus\":\"file:/data/corpus one.txt\",\"batch_size\":16,\"validation_batches\":4,"
                + "\"data_seed\":3},"
                + "\"training\":{\"learning_rate\":0.30000000000000004,\"min_learning_rate\":1.0E-5,"
                + "\"warmup_steps\":100,"
                + "\"schedule_steps\":2000,\"beta1\":0.9,\"beta2\":0.99,\"epsilon\":1.0E-8,\"weight_decay\":0.1,"
                + "\"grad_clip\":1.0,\"tied_head\":false,\"init_std\":0.02,\"log_every\":5,\"valid_every\":25,"
                + "\"divergence_factor\":2.0,\"moe_aux_weight\":0.01},"
                + "\"budget\":{\"max_steps\":500,\"max_tokens\":2000000,\"max_seconds\":90.5,"
                + "\"max_training_flops\":1.5E15},"
                + "\"constraints\":{\"max_params\":1000000,\"max_flops_per_token\":50000,"
                + "\"max_memory_bytes\":1073741824}}");
        assertThat(TrialIdentity.key("dl4j", CONSTRAINED)).as(CHANGED).isEqualTo("fcfd2decb2d7e6d26a5f");
    }

    @Test
    void theKeyHashesTheVersionTheEngineAndTheRequestWithoutItsConstraints() {
        assertThat(TrialIdentity.keyMaterial("dl4j", CONSTRAINED)).isEqualTo("sublayer-trial-key-v2\ndl4j\n"
                + TrialRequestJson.write(CONSTRAINED).replace(",\"constraints\":{\"max_params\":1000000,"
                + "\"max_flops_per_token\":50000,\"max_memory_bytes\":1073741824}", ""));
        TrialRequest unconstrained = new TrialRequest(CONSTRAINED.architecture(), CONSTRAINED.data(),
                CONSTRAINED.training(), CONSTRAINED.budget(), CONSTRAINED.seed());
        assertThat(TrialIdentity.key("dl4j", unconstrained)).isEqualTo(TrialIdentity.key("dl4j", CONSTRAINED));
        assertThat(TrialIdentity.key("djl", PLAIN)).isNotEqualTo(TrialIdentity.key("dl4j", PLAIN));
    }

    @Test
    void everyFieldOfTheRequestButTheConstraintsChangesTheKey() {
        TrainingConfig t = PLAIN.training();
        DataConfig d = PLAIN.data();
        Budget b = PLAIN.budget();
        List<TrialRequest> variants = List.of(
                PLAIN,
                new TrialRequest(Notation.parse("d16 n16 pre: A2 F32!"), d, t, b, 1),
                new TrialRequest(Notation.parse("d16 n16 pre rms: A2 F32"), d, t, b, 1),
                new TrialRequest(PLAIN.architecture(), d, t, b, 2),
                new TrialRequest(PLAIN.architecture(), d.withCorpus("mqar"), t, b, 1),
                new TrialRequest(PLAIN.architecture(), d.withBatchSize(31), t, b, 1),
                new TrialRequest(PLAIN.architecture(), d.withValidationBatches(7), t, b, 1),
                new TrialRequest(PLAIN.architecture(), d.withDataSeed(1), t, b, 1),
                new TrialRequest(PLAIN.architecture(), d, t.withLearningRate(2e-3, 1e-4), b, 1),
                new TrialRequest(PLAIN.architecture(), d, t.withLearningRate(1e-3, 2e-4), b, 1),
                new TrialRequest(PLAIN.architecture(), d, t.withSchedule(99, 2000), b, 1),
                new TrialRequest(PLAIN.architecture(), d, t.withSchedule(100, 2001), b, 1),
                new TrialRequest(PLAIN.architecture(), d, new TrainingConfig(1e-3, 1e-4, 100, 2000, 0.8, 0.99, 1e-8,
                        0.1, 1.0, true, 0.02, 10, 0, 2.0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, new TrainingConfig(1e-3, 1e-4, 100, 2000, 0.9, 0.98, 1e-8,
                        0.1, 1.0, true, 0.02, 10, 0, 2.0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, new TrainingConfig(1e-3, 1e-4, 100, 2000, 0.9, 0.99, 1e-7,
                        0.1, 1.0, true, 0.02, 10, 0, 2.0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, new TrainingConfig(1e-3, 1e-4, 100, 2000, 0.9, 0.99, 1e-8,
                        0.0, 1.0, true, 0.02, 10, 0, 2.0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, new TrainingConfig(1e-3, 1e-4, 100, 2000, 0.9, 0.99, 1e-8,
                        0.1, 0.0, true, 0.02, 10, 0, 2.0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, t.withTiedHead(false), b, 1),
                new TrialRequest(PLAIN.architecture(), d, new TrainingConfig(1e-3, 1e-4, 100, 2000, 0.9, 0.99, 1e-8,
                        0.1, 1.0, true, 0.01, 10, 0, 2.0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, t.withLogging(5, 0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, t.withLogging(10, 10), b, 1),
                new TrialRequest(PLAIN.architecture(), d, new TrainingConfig(1e-3, 1e-4, 100, 2000, 0.9, 0.99, 1e-8,
                        0.1, 1.0, true, 0.02, 10, 0, 3.0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, t.withMoeAuxWeight(0.0), b, 1),
                new TrialRequest(PLAIN.architecture(), d, t, Budget.steps(101), 1),
                new TrialRequest(PLAIN.architecture(), d, t, b.withMaxTokens(1 << 20), 1),
                new TrialRequest(PLAIN.architecture(), d, t, b.withMaxSeconds(60), 1),
                new TrialRequest(PLAIN.architecture(), d, t, b.withMaxTrainingFlops(1e12), 1));
        Set<String> keys = new HashSet<>();
        for (TrialRequest r : variants) {
            assertThat(keys.add(TrialIdentity.key("dl4j", r))).as("key of %s", TrialRequestJson.write(r)).isTrue();
        }
    }

    @Test
    void theFingerprintIsTheRunWithoutItsBudgetOnOneEngine() {
        String fp = TrialIdentity.checkpointFingerprint("dl4j", PLAIN);
        assertThat(TrialIdentity.checkpointFingerprint("dl4j", PLAIN.withBudget(Budget.steps(300)))).isEqualTo(fp);
        assertThat(TrialIdentity.checkpointFingerprint("djl", PLAIN)).isNotEqualTo(fp);
        assertThat(TrialIdentity.checkpointFingerprint("dl4j", new TrialRequest(PLAIN.architecture(), PLAIN.data(),
                PLAIN.training(), PLAIN.budget(), 2))).isNotEqualTo(fp);
    }

    @Test
    void doublesAreWrittenInTheirShortestExactForm() {
        SplittableRandom rnd = new SplittableRandom(5);
        Pattern lr = Pattern.compile("\"learning_rate\":([^,]+),");
        for (int i = 0; i < 200; i++) {
            double v = Double.longBitsToDouble(Double.doubleToLongBits(1e-6) + rnd.nextLong(1L << 52));
            TrialRequest r = new TrialRequest(PLAIN.architecture(), PLAIN.data(),
                    PLAIN.training().withLearningRate(v, 0), PLAIN.budget(), 1);
            Matcher m = lr.matcher(TrialRequestJson.write(r));
            assertThat(m.find()).isTrue();
            assertThat(m.group(1)).isEqualTo(Double.toString(v));
            assertThat(Double.parseDouble(m.group(1))).isEqualTo(v);
        }
    }
}
