package dev.sublayer.trial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class TrialJsonTest {

    /** Doubles that JSON cannot hold directly or that commonly lose bits when printed. */
    private static final double[] AWKWARD = {
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE,
        -Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL, 0.1, 1.0 / 3, 2.220446049250313e-16, 1e300, 1e-300
    };
    private static final long[] AWKWARD_LONGS = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 1, 1L << 53, (1L << 53) + 1};

    static Stream<Long> seeds() {
        return LongStream.range(0, 200).boxed();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void resultRoundTripIsExact(long seed) {
        Random rnd = new Random(seed);
        TrialResult original = randomResult(rnd);
        String json = TrialJson.write(original);
        assertThat(json).doesNotContain("\n").doesNotContain("NaN");
        assertThat(TrialJson.readResult(json)).isEqualTo(original);
        assertThat(TrialJson.resultFromNode(TrialJson.toNode(original))).isEqualTo(original);
        // A second trip produces the very same text.
        assertThat(TrialJson.write(TrialJson.readResult(json))).isEqualTo(json);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void budgetRoundTripIsExact(long seed) {
        Random rnd = new Random(seed);
        Budget original = randomBudget(rnd);
        assertThat(TrialJson.readBudget(TrialJson.write(original))).isEqualTo(original);
    }

    @Test
    void unsetCapsAndUnmeasuredFiguresAreNull() {
        JsonNode budget = StrictJson.parse(TrialJson.write(Budget.steps(100)));
        assertThat(budget.get("max_steps").longValue()).isEqualTo(100);
        assertThat(budget.get("max_tokens").isNull()).isTrue();
        assertThat(budget.get("max_seconds").isNull()).isTrue();
        assertThat(budget.get("max_training_flops").isNull()).isTrue();

        TrialResult r = new TrialResult(TrialStatus.DIVERGED, TrialMetrics.none(),
                List.of(new CurvePoint(10, 320, 1.5, Double.POSITIVE_INFINITY, Double.NaN)), "loss became inf",
                provenance());
        JsonNode node = TrialJson.toNode(r);
        assertThat(node.get("status").stringValue()).isEqualTo("diverged");
        assertThat(node.get("metrics").get("valid_loss").isNull()).isTrue();
        assertThat(node.get("curve").get(0).get("train_loss").stringValue()).isEqualTo("Infinity");
        assertThat(node.get("curve").get(0).get("valid_loss").isNull()).isTrue();
        assertThat(TrialJson.resultFromNode(node)).isEqualTo(r);
    }

    @Test
    void badInputNamesThePathTheValueAndWhatIsAllowed() {
        String good = TrialJson.write(new TrialResult(TrialStatus.COMPLETED, TrialMetrics.none(), List.of(), "",
                provenance()));
        assertThatThrownBy(() -> TrialJson.readResult(good.replace("\"completed\"", "\"done\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/status").hasMessageContaining("\"done\"").hasMessageContaining("completed");
        assertThatThrownBy(() -> TrialJson.readResult(good.replace("\"steps\":0", "\"steps\":1.5")))
                .hasMessageContaining("/metrics/steps").hasMessageContaining("1.5").hasMessageContaining("integer");
        assertThatThrownBy(() -> TrialJson.readResult(good.replace("\"failure\":\"\",", "")))
                .hasMessageContaining("/failure: missing");
        assertThatThrownBy(() -> TrialJson.readResult("{\"status\":"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not valid JSON");
        assertThatThrownBy(() -> TrialJson.readBudget("{\"max_steps\":0,\"max_tokens\":null,\"max_seconds\":null,"
                + "\"max_training_flops\":null}"))
                .hasMessageContaining("max_steps must be >= 1, got 0");
        assertThatThrownBy(() -> TrialJson.readBudget("{\"max_steps\":null,\"max_tokens\":null,\"max_seconds\":\"x\","
                + "\"max_training_flops\":null}"))
                .hasMessageContaining("/max_seconds: must be a positive number or null");
    }

    @Test
    void anInfrastructureFailureCarriesItsCauseAndTheCandidatesOutcomesKeepTheirJson() {
        TrialResult full = TrialResult.infrastructureFailure("no space left on device: /runs/s/checkpoints/k.ckpt",
                provenance());
        JsonNode node = TrialJson.toNode(full);
        assertThat(node.get("status").stringValue()).isEqualTo("failed");
        assertThat(node.get("cause").stringValue()).isEqualTo("infrastructure");
        assertThat(TrialJson.resultFromNode(node)).isEqualTo(full);

        TrialResult own = new TrialResult(TrialStatus.FAILED, TrialMetrics.none(), List.of(), "boom", provenance());
        assertThat(own.cause()).isEqualTo(FailureCause.CANDIDATE);
        assertThat(TrialJson.toNode(own).has("cause")).isFalse();
        assertThat(TrialJson.readResult(TrialJson.write(own))).isEqualTo(own);

        String completed = TrialJson.write(new TrialResult(TrialStatus.COMPLETED, TrialMetrics.none(), List.of(), "",
                provenance()));
        assertThatThrownBy(() -> TrialJson.readResult(completed.replace("{", "{\"cause\":\"infrastructure\",")))
                .hasMessageContaining("/cause").hasMessageContaining("absent for a completed trial");
        assertThatThrownBy(() -> TrialJson.readResult(TrialJson.write(full).replace("\"infrastructure\"",
                "\"weather\""))).hasMessageContaining("/cause").hasMessageContaining("weather")
                .hasMessageContaining("[candidate, infrastructure]");
        assertThatThrownBy(() -> new TrialResult(TrialStatus.DIVERGED, TrialMetrics.none(), List.of(), "",
                provenance(), FailureCause.INFRASTRUCTURE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownKeysAreIgnored() {
        String json = TrialJson.write(Budget.tokens(5)).replace("{", "{\"future\":1,");
        assertThat(TrialJson.readBudget(json)).isEqualTo(Budget.tokens(5));
    }

    static TrialResult randomResult(Random rnd) {
        List<CurvePoint> curve = new ArrayList<>();
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            curve.add(new CurvePoint(anyLong(rnd), anyLong(rnd), anyDouble(rnd), anyDouble(rnd), anyDouble(rnd)));
        }
        TrialMetrics m = new TrialMetrics(anyDouble(rnd), anyDouble(rnd), anyDouble(rnd), anyLong(rnd), anyLong(rnd),
                anyLong(rnd), anyDouble(rnd), anyLong(rnd), anyLong(rnd), anyDouble(rnd), anyDouble(rnd),
                anyDouble(rnd), anyDouble(rnd), anyLong(rnd), anyLong(rnd));
        TrialStatus status = TrialStatus.values()[rnd.nextInt(TrialStatus.values().length)];
        String failure = rnd.nextBoolean() ? "" : anyString(rnd);
        Provenance p = new Provenance(maybeNull(rnd), maybeNull(rnd), maybeNull(rnd), maybeNull(rnd),
                maybeNull(rnd), maybeNull(rnd), maybeNull(rnd), maybeNull(rnd));
        FailureCause cause = (status == TrialStatus.FAILED || status == TrialStatus.INTERRUPTED) && rnd.nextBoolean()
                ? FailureCause.INFRASTRUCTURE : FailureCause.CANDIDATE;
        return new TrialResult(status, m, curve, failure, p, cause);
    }

    static Budget randomBudget(Random rnd) {
        while (true) {
            long steps = rnd.nextBoolean() ? Long.MAX_VALUE : 1 + (rnd.nextLong() & Long.MAX_VALUE) % (Long.MAX_VALUE - 1);
            long tokens = rnd.nextBoolean() ? Long.MAX_VALUE : 1 + rnd.nextInt(1_000_000);
            double seconds = rnd.nextBoolean() ? Double.POSITIVE_INFINITY
                    : rnd.nextBoolean() ? Double.MIN_VALUE : rnd.nextDouble() * 1e4 + 1e-9;
            double flops = rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Math.scalb(rnd.nextDouble() + 0.5, 60);
            if (steps != Long.MAX_VALUE || tokens != Long.MAX_VALUE || seconds != Double.POSITIVE_INFINITY
                    || flops != Double.POSITIVE_INFINITY) {
                return new Budget(steps, tokens, seconds, flops);
            }
        }
    }

    private static double anyDouble(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> AWKWARD[rnd.nextInt(AWKWARD.length)];
            case 1 -> Double.longBitsToDouble(rnd.nextLong());
            case 2 -> rnd.nextGaussian() * 10;
            default -> rnd.nextDouble();
        };
    }

    private static long anyLong(Random rnd) {
        return rnd.nextBoolean() ? AWKWARD_LONGS[rnd.nextInt(AWKWARD_LONGS.length)] : rnd.nextLong();
    }

    private static final int[] SPECIAL = "\"\\\n\t\u0000\u00e9\u2028\uD83D\uDE00<&".codePoints().toArray();

    private static String anyString(Random rnd) {
        StringBuilder sb = new StringBuilder();
        IntStream.range(0, rnd.nextInt(20)).forEach(i -> sb.appendCodePoint(
                rnd.nextInt(4) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : 32 + rnd.nextInt(0x24F)));
        return sb.toString();
    }

    private static String maybeNull(Random rnd) {
        return rnd.nextInt(5) == 0 ? null : anyString(rnd);
    }

    static Provenance provenance() {
        return new Provenance("0.1.0", "abc123", "25 Temurin", "dl4j", "nd4j-native", "cpu x2", "Linux 6 amd64", "h");
    }
}
