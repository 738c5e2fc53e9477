package dev.sublayer.cli;

import dev.sublayer.evaluator.ProcessMemory;
import dev.sublayer.io.IoFailures;
import dev.sublayer.trial.BuildInfo;
import java.io.PrintWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code sublayer} command. Results go to stdout, diagnostics to stderr.
 * Exit codes: 0 success, 1 a failure while working, 2 bad input (usage, config, notation) or a fault of the user's
 * environment (no space left on device, a directory that refuses writes or does not exist), 128 + the signal of a
 * search stopped by SIGINT (130), SIGTERM (143) or SIGHUP (129).
 */
@Command(
        name = "sublayer",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Neural-architecture search over the order of transformer sublayers.",
        subcommands = {
                ArchCommand.class,
                EvaluateCommand.class,
                SearchCommand.class,
                ResumeCommand.class,
                ReportCommand.class,
                ExportCommand.class,
                ImportCommand.class,
                StudyCommand.class,
                ServeCommand.class,
        })
public final class Main implements Runnable {

    /** Exit code for bad input (usage errors, invalid configs or notation) and faults of the user's environment. */
    public static final int EXIT_BAD_INPUT = 2;

    /** Exit code for a failure while working. */
    public static final int EXIT_FAILURE = 1;

    @Option(names = "--verbose", description = "Log debug detail to stderr.", scope = CommandLine.ScopeType.INHERIT)
    void verbose(boolean on) {
        if (on) {
            Configurator.setLevel("dev.sublayer", Level.DEBUG);
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // evaluate and in-process searches train in this JVM: bound its native memory before ND4J loads.
        ProcessMemory.capThisProcess();
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        // Log4j's own shutdown hook is off (log4j2.xml): it would start while a signal stops the JVM, too late to
        // register, and warn. Everything is logged by now; stop it here, the last thing before the exit.
        LogManager.shutdown();
        System.exit(code);
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        // The user's input, and the user's environment (a full disk, a directory that refuses writes): exit 2.
        cli.setExitCodeExceptionMapper(t -> t instanceof IllegalArgumentException || IoFailures.refusal(t).isPresent()
                ? EXIT_BAD_INPUT : EXIT_FAILURE);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Users get one line; the stack trace is for --verbose.
            LogManager.getLogger(Main.class).debug("command failed", e);
            commandLine.getErr().println("sublayer: error: " + oneLine(e));
            return commandLine.getExitCodeExceptionMapper().getExitCode(e);
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("sublayer: error: " + e.getMessage()
                    + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return EXIT_BAD_INPUT;
        });
        return cli.execute(args);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        var refusal = IoFailures.refusal(e);
        if (refusal.isPresent() && !m.contains(refusal.get().words())) {
            // A library's wrapping hides the cause: say what the file system refused, and where.
            m = m + ": " + IoFailures.describe(e, null);
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }

    /** Prints the version and the commit it was built from. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.current();
            return new String[] {
                    "sublayer " + b.version() + " (commit " + b.commit() + ")",
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
