package dev.sublayer.evaluator;

import dev.sublayer.trial.BuildInfo;
import dev.sublayer.trial.Provenance;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds the {@link Provenance} of results produced in this JVM. */
public final class Provenances {

    private Provenances() {
    }

    /**
     * The provenance of results of {@code engine} on {@code backend} and {@code device} in this JVM; version
     * and commit come from {@link BuildInfo}.
     */
    public static Provenance of(String engine, String backend, String device) {
        BuildInfo build = BuildInfo.current();
        String jdk = System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
                + System.getProperty("java.vendor") + ")";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        return new Provenance(build.version(), build.commit(), jdk, engine, backend, device, os, host());
    }

    private static String host() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
