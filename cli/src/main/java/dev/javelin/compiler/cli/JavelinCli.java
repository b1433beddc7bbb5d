package dev.javelin.compiler.cli;

import dev.javelin.JavelinException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code javelin} command line. Errors a user can cause (bad options, bad files, invalid
 * models) end the process with one clear line on stderr and a non-zero status; {@code --debug}
 * adds the stack trace.
 */
@Command(
        name = "javelin",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Javelin: a Java-native deep-learning compiler.",
        subcommands = {
            IrCommand.class,
            CompileCommand.class,
            TrainCommand.class,
            ModelsCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            GenerateCommand.class,
            OnnxCommand.class,
            RunCommand.class,
            CommandLine.HelpCommand.class
        })
public final class JavelinCli implements Runnable {
    /** Exit status for a bad file, model or run. */
    public static final int EXIT_FAILURE = 1;
    /** Exit status for a bad command line (unknown option, missing argument). */
    public static final int EXIT_USAGE = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces on errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            System.exit(run(args, new PrintWriter(System.out, true), err));
        } catch (OutOfMemoryError e) {
            // the checks that estimate memory up front missed a case: still one line, and the way out
            err.println("javelin: out of memory (" + e.getMessage() + "; this JVM may use "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB): use a smaller --batch or model, or give"
                    + " the JVM more with JAVA_OPTS=-Xmx...");
            System.exit(EXIT_FAILURE);
        }
    }

    /** Runs the CLI with the given streams and returns the exit status (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new JavelinCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("javelin: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean debug = parsed.matchedOptionValue("--debug", false)
                    || parsed.subcommands().stream().anyMatch(p -> p.matchedOptionValue("--debug", false))
                    || hasDebug(parsed);
            err.println("javelin: " + describe(ex));
            if (debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_FAILURE;
        });
        return cl.execute(args);
    }

    /** Whether --debug was given (it is inherited: the root's field holds it wherever it was written). */
    static boolean debug(CommandLine.Model.CommandSpec spec) {
        return spec.root().userObject() instanceof JavelinCli cli && cli.debug;
    }

    private static boolean hasDebug(CommandLine.ParseResult p) {
        for (CommandLine.ParseResult r = p; r != null; r = r.subcommand()) {
            if (r.matchedOptionValue("--debug", false)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line (or an error's own few lines) saying what went wrong, without a stack trace: any
     * {@link JavelinException} (the IR's, the DSL's, CUDA's) says it in its message.
     */
    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u) {
            ex = u.getCause();
        }
        return switch (ex) {
            case NoSuchFileException e -> "no such file: " + e.getFile();
            case IOException e -> "I/O error: " + e.getMessage();
            case JavelinException e -> e.getMessage();
            default -> "internal error: " + ex + " (run with --debug for the stack trace, and please report it)";
        };
    }
}
