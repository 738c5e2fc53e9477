package dev.sublayer.cli;

import dev.sublayer.reports.Dashboard;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sublayer serve <study-dir> [--port P] [--host H]}: serves the dashboard of a study, finished, stopped or
 * running (then from its snapshot), read-only, until Ctrl-C.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a study's dashboard (its report, event log and running trials) at "
                + "http://127.0.0.1:PORT/ until Ctrl-C.",
                "Read-only; a running study is read from the snapshot its search publishes."})
final class ServeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "STUDY_DIR", description = "The study directory, e.g. runs/quickstart.")
    Path dir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + Dashboard.DEFAULT_PORT,
            description = "The port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", paramLabel = "HOST", description = "Bind to HOST instead of 127.0.0.1;"
            + " an address beyond this machine requires the token printed at start.")
    String host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Dashboard.Binding binding = DashboardOptions.binding(host, port, "--port");
        // Read once now, so that a study that cannot be read is refused here rather than on the page.
        StudyReading.open(dir).close();
        Dashboard d = StudyDashboard.start(binding, dir, Optional.empty(), spec.commandLine().getErr());
        spec.commandLine().getOut().println(d.url());
        spec.commandLine().getOut().flush();
        Runtime.getRuntime().addShutdownHook(new Thread(d::close, "dashboard stop"));
        new CountDownLatch(1).await(); // until Ctrl-C
        return 0;
    }
}
