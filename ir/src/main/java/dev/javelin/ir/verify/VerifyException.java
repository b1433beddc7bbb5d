package dev.javelin.ir.verify;

import dev.javelin.ir.IrException;
import java.util.List;

/** A graph breaks one or more IR invariants; the message lists every break found, with context. */
public final class VerifyException extends IrException {
    private final List<Verifier.Problem> problems;

    public VerifyException(String graphName, List<Verifier.Problem> problems) {
        super(format(graphName, problems));
        this.problems = List.copyOf(problems);
    }

    private static String format(String graphName, List<Verifier.Problem> problems) {
        StringBuilder b = new StringBuilder("graph " + graphName + " is invalid (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):");
        for (Verifier.Problem p : problems) {
            b.append("\n  ").append(p.message());
            if (!p.context().isEmpty()) {
                b.append('\n').append(p.context().indent(4).stripTrailing());
            }
        }
        return b.toString();
    }

    public List<Verifier.Problem> problems() {
        return problems;
    }
}
