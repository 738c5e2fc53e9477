package dev.sublayer.cli;

import dev.sublayer.evaluator.ProcessMemory;
import dev.sublayer.trial.BuildInfo;
import java.io.PrintWriter;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code sublayer} command. Results go to stdout, diagnostics to stderr.
 * Exit codes: 0 success, 1 a failure while working, 2 bad input (usage, config, notation).
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
        })
public final class Main implements Runnable {

    /** Exit code for bad input: usage errors, invalid configs or notation. */
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
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(t -> t instanceof IllegalArgumentException ? EXIT_BAD_INPUT : EXIT_FAILURE);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Users get one line; the stack trace is for --verbose.
            org.apache.logging.log4j.LogManager.getLogger(Main.class).debug("command failed", e);
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
