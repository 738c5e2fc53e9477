package dev.sublayer.search.exec;

import dev.sublayer.trial.BuildInfo;
import dev.sublayer.trial.Provenance;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The provenance of results that the search itself produces (failures it observed, running placeholders). */
public final class Provenances {

    private Provenances() {
    }

    /** This process's software and machine, with {@code engine} as the engine name. */
    public static Provenance local(String engine) {
        BuildInfo b = BuildInfo.current();
        return new Provenance(b.version(), b.commit(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                engine, "", "cpu x" + Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                host());
    }

    /** The host name, or {@code unknown}; looked up once (a lookup can take milliseconds). */
    public static String host() {
        return Host.NAME;
    }

    private static final class Host {
        static final String NAME = lookup();

        private static String lookup() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "unknown";
            }
        }
    }
}
