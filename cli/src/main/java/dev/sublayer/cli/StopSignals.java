package dev.sublayer.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The signals that stop a running search cleanly — SIGINT (Ctrl-C), SIGTERM ({@code kill}, a shutdown) and SIGHUP
 * (the terminal closed) — each named in the stop reason, with the exit code {@code 128 + signal} of a process they
 * end. Handling them here, instead of in a JVM shutdown hook, lets the search record what was running, close the
 * store and print its outcome on the main thread before the JVM exits, and lets Log4j stop after the last line.
 *
 * <p>A second signal quits at once (the study stays resumable: the store survives a kill at any moment); a stop
 * that has not ended within {@value #GRACE_SECONDS} s quits too.
 */
final class StopSignals implements AutoCloseable {

    /** How long a stop may take before the process quits anyway. */
    static final int GRACE_SECONDS = 60;

    private final Consumer<String> stop;
    private final PrintWriter err;
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile Signal received;

    private StopSignals(Consumer<String> stop, PrintWriter err) {
        this.stop = stop;
        this.err = err;
    }

    /**
     * Handles SIGINT, SIGTERM and SIGHUP until {@link #close()}: the first one asks {@code stop} to stop with a
     * reason that names it; {@code err} gets the line of a forced quit.
     */
    static StopSignals install(Consumer<String> stop, PrintWriter err) {
        StopSignals s = new StopSignals(stop, err);
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                Signal signal = new Signal(name);
                s.previous.put(signal, Signal.handle(signal, s::received));
            } catch (IllegalArgumentException e) {
                // Not a signal here, or the JVM keeps it for itself (-Xrs): its default stays.
            }
        }
        return s;
    }

    /** The stop reason for {@code signal}, naming it. */
    static String reason(String signal) {
        return switch (signal) {
            case "INT" -> "interrupted by Ctrl-C (SIGINT)";
            case "TERM" -> "terminated by SIGTERM";
            case "HUP" -> "hung up: SIGHUP (the terminal closed)";
            default -> "stopped by SIG" + signal;
        };
    }

    /** The exit code of a process the first signal stopped ({@code 128 + signal}), if one came. */
    OptionalInt exitCode() {
        Signal s = received;
        return s == null ? OptionalInt.empty() : OptionalInt.of(128 + s.getNumber());
    }

    private void received(Signal signal) {
        if (received != null) {
            err.println("sublayer: SIG" + signal.getName() + " again: quitting at once (the study stays resumable)");
            err.flush();
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        received = signal;
        stop.accept(reason(signal.getName()));
        Thread grace = new Thread(() -> {
            try {
                Thread.sleep(GRACE_SECONDS * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            err.println("sublayer: the search did not stop within " + GRACE_SECONDS + " s of SIG" + signal.getName()
                    + "; quitting (the study stays resumable)");
            err.flush();
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }, "sublayer-stop-grace");
        grace.setDaemon(true);
        grace.start();
    }

    /** Gives the signals back their previous handlers. */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
