package dev.javelin.ir.interp;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;

/**
 * Elementwise primitives: unary, binary (with broadcasting), select and cast. Integers are computed
 * exactly on longs and wrapped to the result dtype by {@link NdArray#setLong}; floats in float64;
 * bools as 0 and 1. The semantics are listed in {@link Interpreter}'s documentation.
 */
final class Elementwise {
    private Elementwise() {}

    static NdArray unary(UnaryFn fn, NdArray x, NdArray out) {
        for (int i = 0; i < out.size(); i++) {
            if (x.dtype().isInteger()) {
                out.setLong(i, unaryLong(fn, x.getLong(i)));
            } else {
                out.set(i, unaryDouble(fn, x.get(i)));
            }
        }
        return out;
    }

    private static long unaryLong(UnaryFn fn, long v) {
        return switch (fn) {
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case SIGN -> Long.signum(v);
            case EXP, EXPM1, LOG, LOG1P, SQRT, RSQRT, RECIPROCAL, TANH, SIGMOID, ERF, SIN, COS, FLOOR, CEIL, NOT ->
                throw new IllegalStateException(fn.text() + " of an integer passed type checking");
        };
    }

    static double unaryDouble(UnaryFn fn, double v) {
        return switch (fn) {
            case NEG -> -v;
            case ABS -> Math.abs(v);
            case SIGN -> Math.signum(v);
            case EXP -> Math.exp(v);
            case EXPM1 -> Math.expm1(v);
            case LOG -> Math.log(v);
            case LOG1P -> Math.log1p(v);
            case SQRT -> Math.sqrt(v);
            case RSQRT -> 1 / Math.sqrt(v);
            case RECIPROCAL -> 1 / v;
            case TANH -> Math.tanh(v);
            case SIGMOID -> sigmoid(v);
            case ERF -> Erf.erf(v);
            case SIN -> Math.sin(v);
            case COS -> Math.cos(v);
            case FLOOR -> Math.floor(v);
            case CEIL -> Math.ceil(v);
            case NOT -> v != 0 ? 0 : 1;
        };
    }

    /** exp is only ever taken of a non-positive number, so it cannot overflow to inf/inf = NaN. */
    private static double sigmoid(double v) {
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
    }

    static NdArray binary(Node node, BinaryFn fn, NdArray a, NdArray b, NdArray out) {
        long[] shape = out.shape();
        long[] idx = new long[shape.length];
        long[] as = a.shape();
        long[] bs = b.shape();
        for (int i = 0; i < out.size(); i++) {
            Index.unravel(i, shape, idx);
            int ia = Index.broadcastFlat(idx, as);
            int ib = Index.broadcastFlat(idx, bs);
            if (!a.dtype().isInteger()) {
                out.set(i, binaryDouble(fn, a.get(ia), b.get(ib)));
            } else if (fn.isComparison()) {
                out.set(i, compare(fn, Long.compare(a.getLong(ia), b.getLong(ib))) ? 1 : 0);
            } else {
                out.setLong(i, binaryLong(node, fn, a.getLong(ia), b.getLong(ib), idx));
            }
        }
        return out;
    }

    static double binaryDouble(BinaryFn fn, double x, double y) {
        return switch (fn) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case POW -> pow(x, y);
            // Math.max/min return NaN if either operand is NaN, and order -0.0 below +0.0.
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case EQ -> x == y ? 1 : 0;
            case NE -> x != y ? 1 : 0;
            case LT -> x < y ? 1 : 0;
            case LE -> x <= y ? 1 : 0;
            case GT -> x > y ? 1 : 0;
            case GE -> x >= y ? 1 : 0;
            case AND -> x != 0 && y != 0 ? 1 : 0;
            case OR -> x != 0 || y != 0 ? 1 : 0;
        };
    }

    /**
     * C99's pow (Annex F), which CUDA's pow and torch.pow follow. Java's Math.pow agrees except that
     * it gives NaN for pow(1, NaN), pow(1, ±inf) and pow(-1, ±inf), where C gives 1.
     */
    static double pow(double x, double y) {
        if (x == 1 || (x == -1 && Double.isInfinite(y))) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** Integer comparisons compare the longs, so i64 values beyond 2^53 stay distinct. */
    private static boolean compare(BinaryFn fn, int c) {
        return switch (fn) {
            case EQ -> c == 0;
            case NE -> c != 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
            case ADD, SUB, MUL, DIV, POW, MAX, MIN, AND, OR ->
                throw new IllegalStateException(fn.text() + " is not a comparison");
        };
    }

    private static long binaryLong(Node node, BinaryFn fn, long x, long y, long[] at) {
        return switch (fn) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> {
                if (y == 0) {
                    // There is no integer infinity; a backend would trap or return garbage, so say so.
                    throw InterpreterException.at(
                            node, "integer division by zero at result index " + Index.text(at) + " (" + x + " / 0)");
                }
                yield x / y; // Java's division truncates toward zero, as C and CUDA do
            }
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
            case POW, EQ, NE, LT, LE, GT, GE, AND, OR ->
                throw new IllegalStateException(fn.text() + " on integers passed type checking");
        };
    }

    static NdArray select(NdArray cond, NdArray a, NdArray b, NdArray out) {
        long[] shape = out.shape();
        long[] idx = new long[shape.length];
        for (int i = 0; i < out.size(); i++) {
            Index.unravel(i, shape, idx);
            boolean c = cond.get(Index.broadcastFlat(idx, cond.shape())) != 0;
            NdArray from = c ? a : b;
            Index.copy(from, Index.broadcastFlat(idx, from.shape()), out, i);
        }
        return out;
    }

    /**
     * Integer to integer wraps (as Java's narrowing; setLong narrows to i32). A float or bool to an
     * integer truncates toward zero and saturates at the dtype's range, NaN giving 0 (Java's rules,
     * so {@code (int) v} for i32: narrowing through long would wrap instead). To bool is {@code != 0},
     * NaN included. Integer to float is exact up to 2^53; between floats the float64 value is kept.
     */
    static NdArray cast(NdArray x, NdArray out) {
        DType to = out.dtype();
        for (int i = 0; i < out.size(); i++) {
            if (x.dtype().isInteger()) {
                long v = x.getLong(i);
                if (to.isInteger()) {
                    out.setLong(i, v);
                } else {
                    out.set(i, to.isBool() ? (v != 0 ? 1 : 0) : (double) v);
                }
            } else {
                double v = x.get(i);
                switch (to) {
                    case I32 -> out.setLong(i, (int) v);
                    case I64 -> out.setLong(i, (long) v);
                    case BOOL -> out.set(i, v != 0 || Double.isNaN(v) ? 1 : 0);
                    case F32, F64, F16, BF16 -> out.set(i, v);
                }
            }
        }
        return out;
    }
}
