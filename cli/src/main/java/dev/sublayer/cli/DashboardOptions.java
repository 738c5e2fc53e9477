package dev.sublayer.cli;

import dev.sublayer.reports.Dashboard;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --serve [PORT]} and {@code --host HOST} of {@code search} and {@code resume}: serve the study's live
 * dashboard from the search process ({@link Dashboard}).
 */
final class DashboardOptions {

    @Option(names = "--serve", arity = "0..1", paramLabel = "PORT", fallbackValue = "" + Dashboard.DEFAULT_PORT,
            description = "Serve a live dashboard of the study at http://127.0.0.1:PORT/ while it runs "
                    + "(PORT default ${FALLBACK-VALUE}; 0 picks a free port).")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "Bind the dashboard to HOST instead of 127.0.0.1;"
            + " an address beyond this machine requires the token printed at start.")
    String host;

    /** The binding asked for; empty without {@code --serve}. */
    Optional<Dashboard.Binding> binding() {
        if (port == null) {
            if (host != null) {
                throw new IllegalArgumentException("--host applies to the dashboard: add --serve [PORT]");
            }
            return Optional.empty();
        }
        return Optional.of(binding(host, port, "--serve"));
    }

    /** {@code host} (default 127.0.0.1) at {@code port}, checking the port named {@code option}. */
    static Dashboard.Binding binding(String host, int port, String option) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + " must be a port between 0 and 65535, got " + port);
        }
        return host == null ? Dashboard.Binding.loopback(port) : Dashboard.Binding.of(host, port);
    }
}
