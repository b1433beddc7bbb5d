package dev.javelin.onnx;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.Dim;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The reductions: sum, mean, max and min on the IR's reduce; sum of squares, L1, L2, log-sum and
 * log-sum-exp as a map before and after a sum; ArgMax and ArgMin (the argmax of the negation).
 */
final class Reductions {
    private Reductions() {}

    /** What a reduction computes: the IR reduction, and what comes before and after it. */
    private enum Kind {
        SUM,
        MEAN,
        MAX,
        MIN,
        SUM_SQUARE,
        L1,
        L2,
        LOG_SUM,
        LOG_SUM_EXP
    }

    static void register() {
        Set<String> attrs = Set.of("axes", "keepdims", "noop_with_empty_axes");
        Ops.add("ReduceSum", attrs, n -> reduce(n, Kind.SUM, 13));
        Ops.add("ReduceMean", attrs, n -> reduce(n, Kind.MEAN, 18));
        Ops.add("ReduceMax", attrs, n -> reduce(n, Kind.MAX, 18));
        Ops.add("ReduceMin", attrs, n -> reduce(n, Kind.MIN, 18));
        Ops.add("ReduceSumSquare", attrs, n -> reduce(n, Kind.SUM_SQUARE, 18));
        Ops.add("ReduceL1", attrs, n -> reduce(n, Kind.L1, 18));
        Ops.add("ReduceL2", attrs, n -> reduce(n, Kind.L2, 18));
        Ops.add("ReduceLogSum", attrs, n -> reduce(n, Kind.LOG_SUM, 18));
        Ops.add("ReduceLogSumExp", attrs, n -> reduce(n, Kind.LOG_SUM_EXP, 18));
        Set<String> argAttrs = Set.of("axis", "keepdims", "select_last_index");
        Ops.add("ArgMax", argAttrs, n -> arg(n, false));
        Ops.add("ArgMin", argAttrs, n -> arg(n, true));
    }

    /** The reduced axes, sorted: an attribute before {@code inputSince}, an optional input from then on. */
    private static TreeSet<Integer> axes(OnnxNode n, int rank, int inputSince) {
        long[] axes;
        if (n.opset >= inputSince) {
            if (n.attr("axes") != null) {
                throw n.error("attribute 'axes' is an input from opset " + inputSince + " on");
            }
            axes = n.has(1) ? n.longs(1, "axes") : null;
        } else {
            axes = n.attrInts("axes");
        }
        TreeSet<Integer> sorted = new TreeSet<>();
        if (axes == null || axes.length == 0) {
            if (n.attrInt("noop_with_empty_axes", 0) != 0) {
                return sorted;
            }
            for (int i = 0; i < rank; i++) {
                sorted.add(i);
            }
        } else {
            for (long a : axes) {
                sorted.add(n.axis(a, rank));
            }
        }
        return sorted;
    }

    private static List<Operand> reduce(OnnxNode n, Kind kind, int inputSince) {
        Value x = n.value(0);
        TreeSet<Integer> sorted = axes(n, x.type().rank(), inputSince);
        if (sorted.isEmpty()) {
            return n.result(x);
        }
        Integer[] ax = sorted.toArray(Integer[]::new);
        boolean keep = n.attrInt("keepdims", 1) != 0;
        Value y = switch (kind) {
            case MAX -> n.b.reduce(ReduceFn.MAX, x, keep, ax);
            case MIN -> n.b.reduce(ReduceFn.MIN, x, keep, ax);
            case SUM, MEAN, LOG_SUM -> n.b.reduce(ReduceFn.SUM, x, keep, ax);
            case SUM_SQUARE, L2 -> n.b.reduce(ReduceFn.SUM, n.b.binary(BinaryFn.MUL, x, x), keep, ax);
            case L1 -> n.b.reduce(ReduceFn.SUM, n.b.unary(UnaryFn.ABS, x), keep, ax);
            case LOG_SUM_EXP -> logSumExp(n, x, keep, ax);
        };
        return n.result(
                switch (kind) {
                    case L2 -> n.b.unary(UnaryFn.SQRT, y);
                    case LOG_SUM -> n.b.unary(UnaryFn.LOG, y);
                    case MEAN -> n.b.binary(BinaryFn.DIV, y, n.b.scalar(x.type().dtype(), count(n, x, sorted)));
                    default -> y;
                });
    }

    /** log(sum(exp(x - m))) + m with m the max, so large inputs do not overflow. */
    private static Value logSumExp(OnnxNode n, Value x, boolean keep, Integer[] ax) {
        Value m = n.b.reduce(ReduceFn.MAX, x, true, ax);
        Value s = n.b.reduce(ReduceFn.SUM, n.b.unary(UnaryFn.EXP, n.b.binary(BinaryFn.SUB, x, m)), true, ax);
        Value y = n.b.binary(BinaryFn.ADD, n.b.unary(UnaryFn.LOG, s), m);
        return keep
                ? y
                : n.b.reshape(y, n.b.reduce(ReduceFn.SUM, x, false, ax).type().shape());
    }

    /** The number of elements a mean divides by: the product of the reduced sizes, which must be static. */
    private static long count(OnnxNode n, Value x, TreeSet<Integer> axes) {
        List<Dim> reduced = axes.stream().map(i -> x.type().shape().dim(i)).toList();
        Dim count = SymbolicShapes.product(reduced);
        if (count == null || !count.isStatic()) {
            throw n.error("a mean over the symbolic axes " + reduced + " is not supported (it needs a"
                    + " division by a size known only at run time)");
        }
        return count.size();
    }

    private static List<Operand> arg(OnnxNode n, boolean min) {
        if (n.attrInt("select_last_index", 0) != 0) {
            throw n.error("select_last_index 1 is not supported (the IR's argmax takes the first on ties)");
        }
        Value x = n.value(0);
        int axis = n.axis(n.attrInt("axis", 0), x.type().rank());
        Value v = min ? n.b.unary(UnaryFn.NEG, x) : x;
        return n.result(n.b.add(new ArgMax(axis, n.attrInt("keepdims", 1) != 0), v));
    }
}
