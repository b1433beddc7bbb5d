package dev.javelin.compiler.testing;

import dev.javelin.compiler.cli.JavelinCli;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code javelin} CLI in-process, as the tests of this module and of test-models do. */
public final class Cli {
    private Cli() {}

    /** What a run printed and returned. */
    public record Run(int code, String out, String err) {}

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JavelinCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }
}
