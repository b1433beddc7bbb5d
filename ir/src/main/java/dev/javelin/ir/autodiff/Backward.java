package dev.javelin.ir.autodiff;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Value;
import java.util.List;
import java.util.function.Supplier;

/**
 * What one gradient rule sees: the forward node, its operands and result, the gradient of the loss
 * with respect to that result, and which operands want a gradient. A rule gives each wanted operand
 * its gradient through {@link #give}; the supplier runs only for wanted operands, so an operand off
 * every path to a {@code wrt} value costs no node.
 */
final class Backward {
    private final Emit emit;
    private final Node node;
    private final Value out;
    private final Value grad;
    private final List<Value> operands;
    private final boolean[] wanted;
    private final Value[] given;

    Backward(Emit emit, Node node, Value out, Value grad, List<Value> operands, boolean[] wanted) {
        this.emit = emit;
        this.node = node;
        this.out = out;
        this.grad = grad;
        this.operands = List.copyOf(operands);
        this.wanted = wanted.clone();
        this.given = new Value[operands.size()];
    }

    Emit e() {
        return emit;
    }

    Node node() {
        return node;
    }

    /** The forward result {@code y}. */
    Value out() {
        return out;
    }

    /** {@code dL/dy}, of the node's type. */
    Value grad() {
        return grad;
    }

    /** Operand {@code k} of the forward node. */
    Value x(int k) {
        return operands.get(k);
    }

    boolean wants(int k) {
        return wanted[k];
    }

    /** Gives operand {@code k} the gradient {@code g.get()}, if it wants one. */
    void give(int k, Supplier<Value> g) {
        if (!wanted[k]) {
            return;
        }
        Value v = g.get();
        if (!v.type().equals(x(k).type())) {
            throw new IllegalStateException(
                    "autodiff bug: the rule for " + node.op().mnemonic() + " (node %"
                            + node.name() + ") gave operand " + k + " a gradient of type " + v.type() + ", expected "
                            + x(k).type());
        }
        given[k] = v;
    }

    /** Gives operand {@code k} the gradient {@code g.get()} summed back to the operand's own shape. */
    void giveUnbroadcast(int k, Supplier<Value> g) {
        give(k, () -> emit.unbroadcast(g.get(), x(k).type()));
    }

    /** The gradient given to operand {@code k}, or null; every wanted operand must have one. */
    Value given(int k) {
        if (wanted[k] && given[k] == null) {
            throw new IllegalStateException(
                    "autodiff bug: the rule for " + node.op().mnemonic() + " (node %" + node.name() + ") gave operand "
                            + k + " (" + x(k).type() + ") no gradient");
        }
        return given[k];
    }
}
