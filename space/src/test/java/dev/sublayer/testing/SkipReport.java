package dev.sublayer.testing;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Names every skipped test and its reason on stderr when a test run ends: disabled tests and tests (or
 * classes) aborted by an assumption, such as {@link TestEnvironment#require}. Maven's summary only counts
 * skips; this says which and why.
 *
 * <p>Registered for every module's tests through {@code META-INF/services} in the space module's test jar,
 * which each other module's pom includes.
 */
public final class SkipReport implements TestExecutionListener {

    /** What JUnit puts before the reason of a failed {@code assumeTrue}. */
    private static final String ASSUMPTION = "Assumption failed: ";

    private final PrintStream err;
    private final List<String> skipped = new ArrayList<>();

    /** A report on {@code System.err}, as the JUnit launcher creates it. */
    public SkipReport() {
        this(System.err);
    }

    SkipReport(PrintStream err) {
        this.err = err;
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        note(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).orElse("aborted without a reason");
            note(test, reason.startsWith(ASSUMPTION) ? reason.substring(ASSUMPTION.length()) : reason);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (skipped.isEmpty()) {
            return;
        }
        err.println("[sublayer tests] SKIPPED (" + skipped.size() + "):");
        for (String s : skipped) {
            err.println("[sublayer tests]   " + s);
        }
    }

    /** The skips seen so far, each as {@code "name: reason"}. */
    List<String> skipped() {
        return List.copyOf(skipped);
    }

    private void note(TestIdentifier test, String reason) {
        skipped.add(name(test) + ": " + reason);
    }

    private static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource m) {
            String method = m.getClassName() + "#" + m.getMethodName();
            return test.getDisplayName().startsWith(m.getMethodName()) ? method : method + " " + test.getDisplayName();
        }
        if (source instanceof ClassSource c) {
            return c.getClassName() + " (the whole class)";
        }
        return test.getDisplayName();
    }
}
