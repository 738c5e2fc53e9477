package dev.sublayer.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The one way a Sublayer test may skip itself: every skip goes through here, carries its reason, and is
 * named on stderr at the end of the module's run by {@link SkipReport}, so no test is left out silently.
 *
 * <p>Two kinds of missing things. What a set-up can install ({@link #require}: Chromium) skips a local run
 * but fails a CI run, because {@code .ci/run} installs it. What the machine cannot offer whatever is installed
 * ({@link #skipUnless}: a file attribute a container may forbid) skips on CI too.
 */
public final class TestEnvironment {

    /** The environment variable that marks a CI run (set by most CI services). */
    public static final String CI_VARIABLE = "CI";

    private TestEnvironment() {
    }

    /** Whether this is a CI run: {@code CI} is set to anything but empty or {@code false}. */
    public static boolean isCi() {
        String value = System.getenv(CI_VARIABLE);
        return value != null && !value.isBlank() && !value.equalsIgnoreCase("false");
    }

    /**
     * Skips the calling test (or, from {@code @BeforeAll}, its class) when {@code present} is false; on CI
     * fails it instead.
     *
     * @param present whether what the test needs is here
     * @param missing what is missing and how to install it, e.g. {@code "Chromium is not installed (apt-get
     *                install chromium chromium-driver)"}
     */
    public static void require(boolean present, String missing) {
        if (present) {
            return;
        }
        if (isCi()) {
            Assertions.fail(missing + " (" + CI_VARIABLE + " is set: a CI run must run every test)");
        }
        Assumptions.abort(missing);
    }

    /**
     * Skips the calling test when {@code possible} is false, on CI as well: for what no installation provides.
     *
     * @param possible whether this machine can do what the test needs
     * @param reason   why it cannot, e.g. {@code "cannot set the immutable attribute here"}
     */
    public static void skipUnless(boolean possible, String reason) {
        Assumptions.assumeTrue(possible, reason);
    }
}
