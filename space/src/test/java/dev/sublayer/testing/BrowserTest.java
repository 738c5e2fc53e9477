package dev.sublayer.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method that drives headless Chromium ({@code apt-get install chromium
 * chromium-driver}; {@code .ci/run} installs it). Without Chromium such a test is skipped through
 * {@link TestEnvironment#require}, which names the skip on stderr and fails instead where {@code CI} is set.
 * Tagged {@value TestTags#BROWSER}; {@code ./run-tests --fast} leaves it out.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(TestTags.BROWSER)
public @interface BrowserTest {
}
