package dev.sublayer.trial;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The Sublayer version and source commit this build was made from, read from
 * resources written at build time.
 *
 * @param version the Maven project version
 * @param commit  the abbreviated git commit, suffixed {@code -dirty} for uncommitted changes, or {@code unknown}
 */
public record BuildInfo(String version, String commit) {

    private static final BuildInfo CURRENT = load();

    /** This build's information. */
    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo load() {
        Properties version = read("/dev/sublayer/version.properties");
        Properties git = read("/dev/sublayer/git.properties");
        String commit = git.getProperty("git.commit.id.abbrev", "unknown");
        if (!"unknown".equals(commit) && "true".equals(git.getProperty("git.dirty"))) {
            commit += "-dirty";
        }
        return new BuildInfo(version.getProperty("version", "unknown"), commit);
    }

    private static Properties read(String resource) {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // A missing build resource only costs the provenance its detail.
        }
        return p;
    }
}
