package dev.sublayer.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class or method that loads native libraries: ND4J and OpenBLAS (the {@code dl4j} engine) or
 * PyTorch through DJL (the {@code djl} engine), directly or through a real engine in a worker or the CLI.
 * Loading them costs seconds per JVM and needs the platform's native jars. Tagged {@value TestTags#NATIVE};
 * {@code ./run-tests --fast} leaves it out.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Tag(TestTags.NATIVE)
public @interface NativeTest {
}
