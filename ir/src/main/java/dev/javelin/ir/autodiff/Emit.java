package dev.javelin.ir.autodiff;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends the nodes of gradient rules to a builder. Scalar constants are made once per gradient
 * computation and only when first used, and movement that would not change a shape is skipped, so
 * the gradient graph holds no dead or no-op nodes.
 */
final class Emit {
    private final GraphBuilder b;
    private final Map<String, Value> scalars = new HashMap<>();

    Emit(GraphBuilder b) {
        this.b = b;
    }

    Value op(Op op, Value... operands) {
        return b.add(op, operands);
    }

    /**
     * A rank-0 constant, shared by every rule of this gradient computation: it is located at the
     * line of the first rule that asked for it (CSE would merge the copies anyway).
     */
    Value scalar(DType d, double v) {
        return scalars.computeIfAbsent(d + ":" + Double.doubleToLongBits(d.round(v)), k -> b.scalar(d, v));
    }

    Value constant(TensorType t, double... values) {
        return op(new Constant(t, values));
    }

    /**
     * Zeros of type {@code t}: a scalar broadcast to the shape, so a symbolic dimension (the batch)
     * stays symbolic where a literal of the full shape could not be written.
     */
    Value zeros(TensorType t) {
        Value z = scalar(t.dtype(), 0);
        return t.rank() == 0 ? z : op(new Broadcast(t.shape()), z);
    }

    Value unary(UnaryFn fn, Value x) {
        return op(new Unary(fn), x);
    }

    Value binary(BinaryFn fn, Value a, Value b) {
        return op(new Binary(fn), a, b);
    }

    Value add(Value a, Value b) {
        return binary(BinaryFn.ADD, a, b);
    }

    Value sub(Value a, Value b) {
        return binary(BinaryFn.SUB, a, b);
    }

    Value mul(Value a, Value b) {
        return binary(BinaryFn.MUL, a, b);
    }

    Value div(Value a, Value b) {
        return binary(BinaryFn.DIV, a, b);
    }

    Value neg(Value x) {
        return unary(UnaryFn.NEG, x);
    }

    Value select(Value cond, Value a, Value b) {
        return op(new Select(), cond, a, b);
    }

    Value cast(Value x, DType to) {
        return x.type().dtype() == to ? x : op(new Cast(to), x);
    }

    Value reduceSum(Value x, List<Integer> axes, boolean keepDims) {
        return op(new Reduce(ReduceFn.SUM, axes, keepDims), x);
    }

    Value reshape(Value x, Shape to) {
        return x.type().shape().equals(to) ? x : op(new Reshape(to), x);
    }

    Value broadcast(Value x, Shape to) {
        return x.type().shape().equals(to) ? x : op(new Broadcast(to), x);
    }

    /**
     * The value {@code v} of a reduction's result over {@code axes} of a {@code shape} operand,
     * reshaped to keep the reduced axes as size 1 so that it broadcasts against the operand.
     */
    Value keepDims(Value v, List<Integer> axes, Shape shape) {
        Shape kept = shape;
        for (int axis : axes) {
            kept = kept.with(axis, Dim.of(1));
        }
        return reshape(v, kept);
    }

    /**
     * The gradient of an operand that NumPy broadcasting stretched to {@code g}'s shape: {@code g}
     * summed over the leading axes the operand lacked and over the axes where it had size 1, then
     * shaped as the operand. Every implicit broadcast (binary, select, matmul batch axes) and the
     * explicit {@code broadcast} op share this one helper.
     */
    Value unbroadcast(Value g, TensorType operand) {
        Shape to = operand.shape();
        Shape from = g.type().shape();
        if (from.equals(to)) {
            return g;
        }
        int lead = from.rank() - to.rank();
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < lead; i++) {
            axes.add(i);
        }
        for (int i = 0; i < to.rank(); i++) {
            if (to.dim(i).isOne() && !from.dim(lead + i).isOne()) {
                axes.add(lead + i);
            }
        }
        Value summed = axes.isEmpty() ? g : reduceSum(g, axes, false);
        return reshape(summed, to);
    }
}
