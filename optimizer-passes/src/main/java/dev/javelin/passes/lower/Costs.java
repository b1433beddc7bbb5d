package dev.javelin.passes.lower;

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
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * The kernel kind and the FLOPs of one node of a specialized (static) graph. FLOPs count arithmetic
 * operations on data: one per output element for elementwise ops (whatever the function) and
 * random draws; one per input element for reductions and argmax; 2·M·N·K per matmul (a multiply
 * and an add per term) and likewise two per tap for convolutions and their gradients; one per
 * window tap for pooling and its gradient; one per update for scatter-add; none for movement,
 * gather, iota and constants.
 */
public final class Costs {
    private Costs() {}

    public static Kernel.Kind kind(Node n) {
        return switch (n.op()) {
            case Reduce _, ArgMax _ -> Kernel.Kind.REDUCTION;
            case Reshape _, Permute _, Broadcast _, Slice _, Pad _, Concat _ -> Kernel.Kind.MOVEMENT;
            case MatMul _ -> Kernel.Kind.CONTRACTION;
            case Conv2d _, Conv2dBackpropInput _, Conv2dBackpropFilter _ -> Kernel.Kind.CONVOLUTION;
            case Pool2d _, Pool2dBackprop _ -> Kernel.Kind.POOLING;
            case Gather _ -> Kernel.Kind.GATHER;
            case ScatterAdd _ -> Kernel.Kind.SCATTER;
            default -> Kernel.Kind.POINTWISE;
        };
    }

    /** FLOPs of {@code n}, given its operands' (static) types. */
    public static long flops(Node n, List<TensorType> in) {
        long out = n.type().shape().numel();
        return switch (n.op()) {
            case Unary _, Binary _, Select _, Cast _, RandomOp _ -> out;
            case Reduce _, ArgMax _ -> in.get(0).shape().numel();
            case MatMul m -> {
                TensorType a = in.get(0);
                long k = a.shape()
                        .dim(m.transposeA() ? a.rank() - 2 : a.rank() - 1)
                        .size();
                yield 2 * out * k;
            }
            // Each output element of the forward convolution takes (C/groups)*KH*KW taps; a gradient
            // takes as many per element of dy (operand 0 for the input gradient, 1 for the filter's).
            case Conv2d c -> 2 * out * taps(in.get(1));
            case Conv2dBackpropInput c -> 2 * in.get(0).shape().numel() * taps(in.get(1));
            case Conv2dBackpropFilter c -> 2 * in.get(1).shape().numel() * taps(n.type());
            case Pool2d p -> out * p.kernel().get(0) * p.kernel().get(1);
            case Pool2dBackprop p ->
                in.get(1).shape().numel() * p.kernel().get(0) * p.kernel().get(1);
            case ScatterAdd _ -> in.get(2).shape().numel();
            case Reshape _, Permute _, Broadcast _, Slice _, Pad _, Concat _, Gather _, Iota _, Constant _ -> 0;
            case Input _, Parameter _, Assign _ -> 0;
        };
    }

    /** (C/groups)·KH·KW of a filter {@code [O, C/groups, KH, KW]}. */
    private static long taps(TensorType filter) {
        return filter.shape().dim(1).size()
                * filter.shape().dim(2).size()
                * filter.shape().dim(3).size();
    }
}
