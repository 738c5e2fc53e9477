package dev.sublayer.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** Runs small test classes through a JUnit launcher and checks that every skip is named with its reason. */
class SkipReportTest {

    /** Run only from {@link #run}: one test passes, one is disabled, one lacks what it requires. */
    static class MixedFixture {
        @Test
        void passes() {
        }

        @Test
        @Disabled("waits for a bigger machine")
        void disabled() {
        }

        @Test
        void needsAMissingTool() {
            TestEnvironment.require(false, "the frobnicator is not installed (apt-get install frobnicator)");
        }
    }

    /** Run only from {@link #run}: a class whose set-up skips it as a whole. */
    static class WholeClassFixture {
        @BeforeAll
        static void start() {
            TestEnvironment.skipUnless(false, "cannot set the immutable attribute here");
        }

        @Test
        void neverRuns() {
        }
    }

    @Test
    void namesEachSkippedTestAndClassWithItsReasonAtTheEnd() {
        Run run = run(MixedFixture.class, WholeClassFixture.class);
        String fixture = MixedFixture.class.getName();
        if (TestEnvironment.isCi()) {
            // On CI a missing requirement fails the test instead of skipping it.
            assertThat(run.summary.getSummary().getTestsFailedCount()).isEqualTo(1);
            assertThat(run.report.skipped()).containsExactlyInAnyOrder(
                    fixture + "#disabled: waits for a bigger machine",
                    WholeClassFixture.class.getName() + " (the whole class): cannot set the immutable attribute here");
        } else {
            assertThat(run.summary.getSummary().getTestsFailedCount()).isZero();
            assertThat(run.report.skipped()).containsExactlyInAnyOrder(
                    fixture + "#disabled: waits for a bigger machine",
                    fixture + "#needsAMissingTool: the frobnicator is not installed (apt-get install frobnicator)",
                    WholeClassFixture.class.getName() + " (the whole class): cannot set the immutable attribute here");
        }
        assertThat(run.summary.getSummary().getTestsSucceededCount()).isEqualTo(1);
        String expected = "[sublayer tests] SKIPPED (" + run.report.skipped().size() + "):\n"
                + run.report.skipped().stream().map(s -> "[sublayer tests]   " + s + "\n").reduce("", String::concat);
        assertThat(run.err.replace(System.lineSeparator(), "\n")).isEqualTo(expected);
    }

    @Test
    void saysNothingWhenNothingWasSkipped() {
        Run run = run(Passing.class);
        assertThat(run.summary.getSummary().getTestsSucceededCount()).isEqualTo(1);
        assertThat(run.report.skipped()).isEmpty();
        assertThat(run.err).isEmpty();
    }

    /** Run only from {@link #run}. */
    static class Passing {
        @Test
        void passes() {
        }
    }

    private record Run(SkipReport report, SummaryGeneratingListener summary, String err) {
    }

    private static Run run(Class<?>... classes) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SkipReport report = new SkipReport(new PrintStream(err, true, StandardCharsets.UTF_8));
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (Class<?> c : classes) {
            request.selectors(selectClass(c));
        }
        LauncherDiscoveryRequest built = request.build();
        // Without the listeners the service file registers: the fixtures' skips are not this module's skips.
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());
        launcher.execute(built, report, summary);
        return new Run(report, summary, err.toString(StandardCharsets.UTF_8));
    }
}
