package dev.javelin.ir.autodiff;

import dev.javelin.ir.IrException;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.TensorType;

/**
 * The gradient rule of every primitive, in one exhaustive switch over the sealed op set: a new op
 * does not compile until it has a rule here. Each case names the rule; the longer ones live with
 * their family in {@link ElementwiseRules}, {@link ShapeRules} and {@link ContractionRules}.
 *
 * <p>Which operands a gradient flows to is decided by {@link #carries}, from the types alone plus
 * the few ops whose derivative is zero everywhere it exists. The traversal uses it to find the nodes
 * on a path from a {@code wrt} value to the loss before any node is built.
 */
final class Rules {
    private Rules() {}

    /**
     * Whether a gradient flows from node {@code n}'s result to its operand {@code k}. Only float
     * values carry gradients, so integer and bool operands (indices, conditions, the random offset)
     * and integer or bool results (comparisons, argmax, casts to integers) stop it. sign, floor and
     * ceil are piecewise constant: their derivative is 0 wherever it exists, so they carry nothing
     * (the same as a zero gradient, without the nodes). An {@code assign}'s parameter operand is the
     * state it overwrites, not an input of its value, so only the value operand carries.
     */
    static boolean carries(Node n, int k, TensorType operand) {
        if (!operand.dtype().isFloat() || !n.type().dtype().isFloat()) {
            return false;
        }
        if (n.op() instanceof Unary u) {
            return u.fn() != UnaryFn.SIGN && u.fn() != UnaryFn.FLOOR && u.fn() != UnaryFn.CEIL;
        }
        if (n.op() instanceof Assign) {
            return k == 1;
        }
        return true;
    }

    /** Gives each operand that {@code c} wants its gradient, by the rule of the node's op. */
    static void apply(Backward c) {
        Emit e = c.e();
        switch (c.node().op()) {
            case Unary u -> ElementwiseRules.unary(c, u.fn());
            case Binary b -> ElementwiseRules.binary(c, b.fn());
            case Select s -> ElementwiseRules.select(c);
            case Cast k -> c.give(0, () -> e.cast(c.grad(), c.x(0).type().dtype()));
            case Reduce r -> ShapeRules.reduce(c, r);
            case Reshape r -> c.give(0, () -> e.reshape(c.grad(), c.x(0).type().shape()));
            case Permute p -> ShapeRules.permute(c, p);
            case Broadcast b -> c.giveUnbroadcast(0, c::grad);
            case Slice s -> ShapeRules.slice(c, s);
            case Pad p -> ShapeRules.pad(c, p);
            case Concat k -> ShapeRules.concat(c, k);
            case Gather g -> ShapeRules.gather(c, g);
            case ScatterAdd s -> ShapeRules.scatterAdd(c, s);
            case MatMul m -> ContractionRules.matmul(c, m);
            case Conv2d cv -> ContractionRules.conv2d(c, cv);
            case Pool2d p -> ContractionRules.pool2d(c, p);
            // The new value flows straight through; the overwritten parameter gets nothing (see carries).
            case Assign a -> c.give(1, c::grad);
            // Integer results or no float operands: carries() is false for all of them, so no operand
            // of theirs ever wants a gradient and these rules are never asked.
            case ArgMax a -> {}
            case Iota i -> {}
            case RandomOp r -> {}
            case Input i -> {}
            case Parameter p -> {}
            case Constant k -> {}
            case Conv2dBackpropInput x -> throw secondOrder(c);
            case Conv2dBackpropFilter x -> throw secondOrder(c);
            case Pool2dBackprop x -> throw secondOrder(c);
        }
    }

    private static IrException secondOrder(Backward c) {
        return new IrException("gradient of " + c.node().op().mnemonic() + " (node %"
                + c.node().name() + ") is not supported (second-order)");
    }
}
