package dev.sublayer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CLI in a JVM of its own, as a user starts it ({@code Main.main}: its own exit code, signals and shutdown),
 * with stdout and stderr in files.
 */
record CliProcess(Process process, Path outFile, Path errFile) {

    /** Starts {@code sublayer args...}, its output going to {@code <logs>/<name>.out} and {@code .err}. */
    static CliProcess start(Path logs, String name, String... args) throws IOException {
        Files.createDirectories(logs);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new CliProcess(p, out, err);
    }

    /** Runs {@code sublayer args...} to its end (at most 5 minutes). */
    static CliProcess run(Path logs, String name, String... args) throws IOException, InterruptedException {
        CliProcess p = start(logs, name, args);
        p.await();
        return p;
    }

    /** Waits for the end, at most 5 minutes; the exit code. */
    int await() throws InterruptedException {
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("the CLI did not end within 5 minutes; see " + errFile);
        }
        return process.exitValue();
    }

    /** Waits until stderr holds {@code text} (at most 2 minutes), or fails naming what it holds. */
    void awaitErr(String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!err().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("stderr never said '" + text + "':\n" + err());
            }
            Thread.sleep(50);
        }
    }

    /** Sends {@code signal} (e.g. {@code TERM}) to the process. */
    void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " failed");
        }
    }

    String out() throws IOException {
        return Files.readString(outFile);
    }

    String err() throws IOException {
        return Files.readString(errFile);
    }
}
