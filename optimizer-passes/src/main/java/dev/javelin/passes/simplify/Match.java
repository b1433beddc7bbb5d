package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.DefUse;
import dev.javelin.ir.graph.GraphEditor;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.TensorType;
import java.util.OptionalDouble;

/** A node offered to the rules, with the nodes that produce its operands. */
public final class Match {
    private final Node node;
    private final GraphEditor producers;
    private final DefUse uses;

    Match(Node node, GraphEditor producers, DefUse uses) {
        this.node = node;
        this.producers = producers;
        this.uses = uses;
    }

    public Node node() {
        return node;
    }

    public Op op() {
        return node.op();
    }

    public TensorType type() {
        return node.type();
    }

    /** The name of operand {@code i}. */
    public String input(int i) {
        return node.inputs().get(i);
    }

    /** The node that produces operand {@code i}. */
    public Node operand(int i) {
        return producers.get(input(i));
    }

    public boolean isUnary(UnaryFn fn) {
        return node.op() instanceof Unary u && u.fn() == fn;
    }

    public boolean isBinary(BinaryFn fn) {
        return node.op() instanceof Binary b && b.fn() == fn;
    }

    /**
     * How many node operands and graph outputs read operand {@code i}, counted on the graph the
     * sweep started from (rewrites earlier in the sweep only ever lower it). A rule that rebuilds a
     * producer's work in another form asks for 1, so the old node does not stay alive beside it.
     */
    public int usesOfOperand(int i) {
        return uses.useCount(input(i));
    }

    /** The type of a value of the graph, by name (an operand's operand, say). */
    public TensorType typeOf(String name) {
        return producers.get(name).type();
    }

    /** Whether operand {@code i} is produced by {@code fn}. */
    public boolean operandIs(int i, UnaryFn fn) {
        return operand(i).op() instanceof Unary u && u.fn() == fn;
    }

    /** Whether operand {@code i} has exactly the node's type (so it can replace the node). */
    public boolean operandHasNodeType(int i) {
        return operand(i).type().equals(node.type());
    }

    /** If operand {@code i} is a constant with every element equal, that element. */
    public OptionalDouble splat(int i) {
        return splatOf(operand(i));
    }

    /**
     * Whether operand {@code i} is a constant whose every element is {@code v}, compared bit for
     * bit (so {@code -0.0} is not {@code 0.0}, and a NaN matches only a NaN).
     */
    public boolean isSplat(int i, double v) {
        OptionalDouble s = splat(i);
        return s.isPresent() && Double.compare(s.getAsDouble(), v) == 0;
    }

    /** If {@code n} is a constant with every element equal (bit for bit), that element. */
    static OptionalDouble splatOf(Node n) {
        if (!(n.op() instanceof Constant c) || c.storedCount() == 0) {
            return OptionalDouble.empty();
        }
        double first = c.value(0);
        if (!c.isSplat()) {
            for (int k = 1; k < c.storedCount(); k++) {
                if (Double.compare(c.value(k), first) != 0) {
                    return OptionalDouble.empty();
                }
            }
        }
        return OptionalDouble.of(first);
    }
}
