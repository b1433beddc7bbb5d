package dev.javelin.ir.op;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/** Small typing checks shared by the ops' {@link Op#infer} rules; each throws {@link OpTypeError}. */
final class Checks {
    private Checks() {}

    static void arity(Op op, List<TensorType> in, int n) {
        if (in.size() != n) {
            throw new OpTypeError("expected " + n + " operand" + (n == 1 ? "" : "s") + ", found " + in.size());
        }
    }

    static void sameDtype(List<TensorType> in) {
        DType d = in.get(0).dtype();
        for (TensorType t : in) {
            if (t.dtype() != d) {
                throw new OpTypeError("operand dtypes differ: " + d + " vs " + t.dtype()
                        + " (insert an explicit cast; there is no implicit promotion)");
            }
        }
    }

    static void floating(TensorType t, String what) {
        if (!t.dtype().isFloat()) {
            throw new OpTypeError(what + " needs a floating-point operand, found " + t.dtype());
        }
    }

    static void numeric(TensorType t, String what) {
        if (!t.dtype().isNumeric()) {
            throw new OpTypeError(what + " needs a numeric operand, found " + t.dtype());
        }
    }

    static void integer(TensorType t, String what) {
        if (!t.dtype().isInteger()) {
            throw new OpTypeError(what + " needs integer (i32 or i64) indices, found " + t.dtype());
        }
    }

    static int axis(int axis, int rank, String what) {
        if (axis < 0 || axis >= rank) {
            throw new OpTypeError(what + " axis " + axis + " is out of range for rank " + rank);
        }
        return axis;
    }

    static void staticRank(TensorType t, int rank, String what) {
        if (t.rank() != rank) {
            throw new OpTypeError(what + " expects a rank-" + rank + " operand, found " + t);
        }
    }

    static void nonNegative(List<Long> values, String what) {
        for (long v : values) {
            if (v < 0) {
                throw new OpTypeError(what + " must be >= 0, found " + values);
            }
        }
    }

    static void positive(List<Long> values, String what) {
        for (long v : values) {
            if (v <= 0) {
                throw new OpTypeError(what + " must be > 0, found " + values);
            }
        }
    }

    /**
     * The typing rule of a gradient op: the forward op must type {@code forwardIn}, and the
     * gradient's {@code dy} must be exactly the forward result.
     */
    static void gradientOf(Op gradient, Op forward, List<TensorType> forwardIn, TensorType dy) {
        TensorType result;
        try {
            result = forward.infer(forwardIn);
        } catch (OpTypeError e) {
            throw new OpTypeError(gradient.mnemonic() + ": the forward " + forward.mnemonic() + "("
                    + forwardIn.stream().map(TensorType::toString).collect(java.util.stream.Collectors.joining(", "))
                    + ") is invalid: " + e.getMessage());
        }
        if (!result.equals(dy)) {
            throw new OpTypeError(gradient.mnemonic() + " grad_out must have the forward " + forward.mnemonic()
                    + "'s result type " + result + ", found " + dy);
        }
    }
}
