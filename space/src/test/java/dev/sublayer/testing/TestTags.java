package dev.sublayer.testing;

/**
 * The JUnit tags of Sublayer's tests, one per reason a test is left out of {@code ./run-tests --fast}. An
 * untagged test is quick and needs nothing beyond a JDK. {@code ./run-tests} runs every test; the {@code fast}
 * Maven profile of the parent pom leaves out these three tags (keep its list equal to these names).
 */
public final class TestTags {

    /** See {@link SlowTest}. */
    public static final String SLOW = "slow";
    /** See {@link NativeTest}. */
    public static final String NATIVE = "native";
    /** See {@link BrowserTest}. */
    public static final String BROWSER = "browser";

    private TestTags() {
    }
}
