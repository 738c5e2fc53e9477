package dev.sublayer.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method as slow: it takes more than about two seconds on a 2-core machine (processes
 * killed and restarted, worker JVMs replaced, finite differences over many parameters, dozens of candidates
 * trained) or trains one model for dozens of steps or more. Tagged {@value TestTags#SLOW};
 * {@code ./run-tests --fast} leaves it out.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(TestTags.SLOW)
public @interface SlowTest {
}
