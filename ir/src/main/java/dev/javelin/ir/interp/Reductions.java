package dev.javelin.ir.interp;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;

/** Reductions over axes, and argmax. */
final class Reductions {
    private Reductions() {}

    /**
     * Every input element is folded into the result element it reduces to, in C order of the input,
     * starting from the identity: so a sum adds in ascending index order, and a reduction over an
     * empty axis gives the identity (0; -inf or the dtype's minimum for max; +inf or its maximum for
     * min). Float max and min propagate NaN; integer sums wrap.
     */
    static NdArray reduce(Reduce r, NdArray x, NdArray out) {
        boolean integer = x.dtype().isInteger();
        for (int j = 0; j < out.size(); j++) {
            if (integer) {
                out.setLong(j, identityLong(r.fn(), x.dtype()));
            } else {
                out.set(j, identity(r.fn()));
            }
        }
        long[] shape = x.shape();
        long[] idx = new long[shape.length];
        long[] outShape = out.shape();
        for (int i = 0; i < x.size(); i++) {
            Index.unravel(i, shape, idx);
            int j = resultFlat(r, idx, outShape);
            if (integer) {
                out.setLong(j, combineLong(r.fn(), out.getLong(j), x.getLong(i)));
            } else {
                out.set(j, combine(r.fn(), out.get(j), x.get(i)));
            }
        }
        return out;
    }

    /** The result element an input multi-index reduces to: reduced axes drop out (or become 0). */
    private static int resultFlat(Reduce r, long[] idx, long[] outShape) {
        long flat = 0;
        int d = 0;
        for (int axis = 0; axis < idx.length; axis++) {
            boolean reduced = r.axes().contains(axis);
            if (reduced && !r.keepDims()) {
                continue;
            }
            flat = flat * outShape[d] + (reduced ? 0 : idx[axis]);
            d++;
        }
        return (int) flat;
    }

    private static double identity(ReduceFn fn) {
        return switch (fn) {
            case SUM -> 0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    private static long identityLong(ReduceFn fn, DType d) {
        return switch (fn) {
            case SUM -> 0;
            case MAX -> d == DType.I32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            case MIN -> d == DType.I32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
        };
    }

    private static double combine(ReduceFn fn, double acc, double v) {
        return switch (fn) {
            case SUM -> acc + v;
            case MAX -> Math.max(acc, v); // NaN in, NaN out
            case MIN -> Math.min(acc, v);
        };
    }

    private static long combineLong(ReduceFn fn, long acc, long v) {
        return switch (fn) {
            case SUM -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }

    /**
     * The index of the largest element along the axis: the first on ties, and the first NaN if there
     * is one (NaN counts as larger than everything, as in NumPy and PyTorch).
     */
    static NdArray argmax(Node node, ArgMax m, NdArray x, NdArray out) {
        long[] shape = x.shape();
        int outer = Index.product(shape, 0, m.axis());
        int len = (int) shape[m.axis()];
        int inner = Index.product(shape, m.axis() + 1, shape.length);
        if (len == 0 && out.size() > 0) {
            // Only a symbolic axis can be empty here: the op's typing rejects a static empty axis.
            throw InterpreterException.at(
                    node, "argmax over axis " + m.axis() + ", which is empty at run time (" + x.type() + ")");
        }
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int best = 0;
                for (int k = 1; k < len; k++) {
                    if (greater(x, (o * len + k) * inner + in, (o * len + best) * inner + in)) {
                        best = k;
                    }
                }
                out.setLong(o * inner + in, best);
            }
        }
        return out;
    }

    /** Whether element i beats the best so far, element b: strictly larger, or NaN where b is not. */
    private static boolean greater(NdArray x, int i, int b) {
        if (x.dtype().isInteger()) {
            return x.getLong(i) > x.getLong(b);
        }
        double v = x.get(i);
        double best = x.get(b);
        return !Double.isNaN(best) && (Double.isNaN(v) || v > best);
    }
}
