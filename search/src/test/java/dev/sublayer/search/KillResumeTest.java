package dev.sublayer.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sublayer.storage.StudyStore;
import dev.sublayer.testing.SlowTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact-resume guarantee, for real: a search JVM is killed with SIGKILL at seeded random moments and
 * restarted each time; the study it finally completes equals one run without interruption.
 */
@SlowTest
class KillResumeTest {

    @TempDir
    Path tmp;

    @Test
    void killedWithSigkillAtRandomMomentsThenResumedEqualsUninterrupted() throws Exception {
        String yaml = TestStudies.yaml("nsga2", 42, 30, "");
        Path config = tmp.resolve("study.yaml");
        Files.writeString(config, yaml);
        TestStudies.open(yaml, tmp.resolve("straight"), TestStudies.stub(new StubEngine.Counters(), 0))
                .run(SearchListener.NONE);

        Path dir = tmp.resolve("killed");
        Random random = new Random(20261127);
        int killsMidStudy = 0;
        int exit = -1;
        for (int attempt = 0; attempt < 12 && exit != 0; attempt++) {
            Process p = start(config, dir);
            // The kill moment counts from the first sign of a running study, not from JVM start: on a loaded
            // machine start-up alone can outlast any fixed delay, and the kills would miss the study.
            long killAfterMs = random.nextInt(1500);
            if (attempt < 5 && studyVisible(p, dir) && !p.waitFor(killAfterMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly(); // SIGKILL
                p.waitFor(10, TimeUnit.SECONDS);
                if (Files.exists(StudyStore.studyFile(dir))) {
                    try (StudyStore s = StudyStore.openReadOnly(dir)) {
                        if (!"finished".equals(s.info().status())) {
                            killsMidStudy++;
                        }
                    }
                }
                continue;
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("search finishes").isTrue();
            exit = p.exitValue();
        }
        assertThat(exit).as("final session exit code (see " + tmp.resolve("search.log") + ")").isZero();
        assertThat(killsMidStudy).as("kills that hit a running study").isGreaterThanOrEqualTo(3);
        SearchTest.assertSame(SearchTest.Final.of(dir), SearchTest.Final.of(tmp.resolve("straight")));
    }

    /** Waits until {@code dir} holds a store or the process ends; whether the store appeared while it ran. */
    private static boolean studyVisible(Process p, Path dir) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(StudyStore.studyFile(dir))) {
                return true;
            }
            Thread.sleep(20);
        }
        return p.isAlive();
    }

    private Process start(Path config, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SearchMain.class.getName());
        cmd.add(config.toString());
        cmd.add(dir.toString());
        cmd.add("1.5");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("search.log").toFile()));
        return pb.start();
    }
}
