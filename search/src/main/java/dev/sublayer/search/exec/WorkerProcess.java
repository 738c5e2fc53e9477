package dev.sublayer.search.exec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The worker process of one slot, started from a {@link WorkerSpec} when needed and replaced once it dies or is
 * killed. Lines go to its stdin; its stdout lines arrive on a queue that ends with {@link #EOF}; its stderr is
 * appended to {@code worker-N.log} (when the spec has a log directory) and its last lines are kept for
 * failure reasons.
 */
final class WorkerProcess {

    private static final Logger LOG = LogManager.getLogger(WorkerProcess.class);
    /** The last stdout "line" of a process: its stdout closed. Compared by identity. */
    static final String EOF = new String("<eof>");
    private static final int STDERR_TAIL = 40;

    private final int index;
    private final WorkerSpec spec;
    private volatile Process process;
    private BufferedWriter stdin;
    private LinkedBlockingQueue<String> stdout;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private Thread stderrReader;
    private boolean killedOnPurpose;

    WorkerProcess(int index, WorkerSpec spec) {
        this.index = index;
        this.spec = spec;
    }

    /** {@code worker-N}, with the pid while a process runs. */
    String name() {
        Process p = process;
        return "worker-" + index + (p == null ? "" : " pid " + p.pid());
    }

    /** Starts a process unless one is alive and was not killed on purpose. */
    synchronized void ensureWorker() throws IOException {
        if (process != null && process.isAlive() && !killedOnPurpose) {
            return;
        }
        discardWorker();
        ProcessBuilder pb = new ProcessBuilder(spec.command());
        pb.environment().putAll(spec.environment());
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        process = p;
        killedOnPurpose = false;
        stdin = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
        LinkedBlockingQueue<String> out = new LinkedBlockingQueue<>();
        stdout = out;
        synchronized (stderrTail) {
            stderrTail.clear();
        }
        String who = "worker-" + index + " pid " + p.pid();
        Thread outReader = new Thread(() -> readLines(p, out), who + " stdout");
        outReader.setDaemon(true);
        outReader.start();
        Thread errReader = new Thread(() -> drainStderr(p, who), who + " stderr");
        errReader.setDaemon(true);
        errReader.start();
        stderrReader = errReader;
        LOG.debug("started {}", who);
    }

    /** Writes {@code line} and a newline to the process's stdin. */
    void send(String line) throws IOException {
        stdin.write(line);
        stdin.write('\n');
        stdin.flush();
    }

    /** The next stdout line, {@link #EOF} once stdout closed, or {@code null} after {@code nanos}. */
    String poll(long nanos) throws InterruptedException {
        return stdout.poll(nanos, TimeUnit.NANOSECONDS);
    }

    /** The exit code of the process, waiting up to 5 s for it to end; {@code -1} if it did not or there is none. */
    int awaitExit() {
        Process p = process;
        int exit = -1;
        if (p != null) {
            try {
                if (p.waitFor(5, TimeUnit.SECONDS)) {
                    exit = p.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return exit;
    }

    /** Whether the current process was {@linkplain #kill killed on purpose}. */
    boolean killedOnPurpose() {
        return killedOnPurpose;
    }

    /** Waits up to 3 s for the process's stderr to be read to its end. */
    void awaitStderr() {
        // The last stderr lines (e.g. the OutOfMemoryError) may still be in flight after stdout closed.
        Thread errReader = stderrReader;
        if (errReader != null) {
            try {
                errReader.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The last lines the slot's process wrote to stderr, oldest first. */
    List<String> stderrTail() {
        synchronized (stderrTail) {
            return List.copyOf(stderrTail);
        }
    }

    private void readLines(Process p, LinkedBlockingQueue<String> out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                out.add(l);
            }
        } catch (IOException e) {
            LOG.debug("worker {} stdout: {}", index, e.getMessage());
        } finally {
            out.add(EOF);
        }
    }

    private void drainStderr(Process p, String who) {
        Writer log = null;
        try {
            if (spec.logDirectory().isPresent()) {
                Path dir = spec.logDirectory().get();
                Files.createDirectories(dir);
                log = Files.newBufferedWriter(dir.resolve("worker-" + index + ".log"), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                log.write("---- " + who + " started " + java.time.Instant.now() + "\n");
                log.flush();
            }
        } catch (IOException e) {
            LOG.debug("cannot open the log of {}: {}", who, e.getMessage());
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                synchronized (stderrTail) {
                    stderrTail.addLast(l);
                    while (stderrTail.size() > STDERR_TAIL) {
                        stderrTail.removeFirst();
                    }
                }
                if (log != null) {
                    try {
                        log.write(l);
                        log.write('\n');
                        log.flush();
                    } catch (IOException e) {
                        // A full disk must not stop the draining: a worker blocked on a full stderr pipe would hang.
                        LOG.warn("{}: cannot write its log any more ({}); its stderr is no longer logged", who,
                                dev.sublayer.io.IoFailures.describe(e, spec.logDirectory().get()
                                        .resolve("worker-" + index + ".log")));
                        closeQuietly(log, who);
                        log = null;
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("{} stderr: {}", who, e.getMessage());
        } finally {
            if (log != null) {
                closeQuietly(log, who);
            }
        }
    }

    private static void closeQuietly(Writer log, String who) {
        try {
            log.close();
        } catch (IOException e) {
            LOG.debug("closing the log of {}: {}", who, e.getMessage());
        }
    }

    /** Kills the worker on purpose (timeout, cancel, protocol error). */
    void kill() {
        Process p = process;
        if (p != null) {
            killedOnPurpose = true;
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** Forgets the current worker process, making sure it is gone (destroy is asynchronous). */
    void discardWorker() {
        Process p = process;
        process = null;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the worker politely: EOF on stdin makes it exit; force after a grace period. */
    void shutdown() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            stdin.close();
        } catch (IOException e) {
            LOG.debug("closing stdin of worker {}: {}", index, e.getMessage());
        }
        try {
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
