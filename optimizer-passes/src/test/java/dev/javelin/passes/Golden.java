package dev.javelin.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.text.Printer;
import dev.javelin.passes.pipeline.Pass;
import dev.javelin.passes.pipeline.PassManager;
import dev.javelin.passes.pipeline.PassOptions;
import java.util.List;

/** Golden before/after checks: both sides are IR text, normalized by parse-then-print. */
public final class Golden {
    private Golden() {}

    public static String normalize(String irText) {
        return Printer.print(Parser.parse(irText));
    }

    /** Runs {@code pass} (verified) over {@code before} and asserts the result prints as {@code after}. */
    public static PassManager.Result assertPass(Pass pass, String before, String after) {
        PassManager.Result r = PassManager.run(Parser.parse(before), List.of(pass), PassOptions.verifying());
        assertEquals(normalize(after), Printer.print(r.graph()), "graph after pass " + pass.name());
        return r;
    }

    /** Asserts {@code pass} leaves {@code text} unchanged. */
    public static void assertUnchanged(Pass pass, String text) {
        Graph g = Parser.parse(text);
        assertPass(pass, text, text);
        assertEquals(g, Parser.parse(text));
    }
}
