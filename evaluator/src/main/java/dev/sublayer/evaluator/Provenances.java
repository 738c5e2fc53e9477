package dev.sublayer.evaluator;

import dev.sublayer.trial.Provenance;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds the {@link Provenance} of results produced in this JVM. */
public final class Provenances {

    private Provenances() {
    }

    /**
     * The provenance of results of {@code engine} on {@code backend} and {@code device} in this JVM. The
     * Sublayer version is the jar's implementation version ({@code dev} when run from classes); the git
     * commit comes from the system property {@code sublayer.git.commit} or the environment variable
     * {@code SUBLAYER_GIT_COMMIT} that the launcher sets, else {@code unknown}.
     */
    public static Provenance of(String engine, String backend, String device) {
        String version = Provenances.class.getPackage().getImplementationVersion();
        String commit = System.getProperty("sublayer.git.commit", System.getenv().getOrDefault("SUBLAYER_GIT_COMMIT", "unknown"));
        String jdk = System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
                + System.getProperty("java.vendor") + ")";
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
        return new Provenance(version == null ? "dev" : version, commit, jdk, engine, backend, device, os, host());
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
