package dev.javelin.ir.interp;

import dev.javelin.ir.IrException;
import dev.javelin.ir.graph.Node;

/**
 * The reference interpreter could not run a graph: a feed does not fit the graph, or a node met a
 * value it has no answer for (an integer division by zero, a gather index out of range). The
 * message is one line naming the input or node, what was expected and what was found.
 */
public final class InterpreterException extends IrException {
    public InterpreterException(String message) {
        super(message);
    }

    /** An error while evaluating {@code node}; the message starts with the node, its op and call site. */
    static InterpreterException at(Node node, String detail) {
        return new InterpreterException("node %" + node.name() + " ("
                + node.op().mnemonic() + ")" + (node.loc().isKnown() ? " at " + node.loc() : "") + ": " + detail);
    }
}
