package dev.javelin.onnx;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import java.util.Set;

/**
 * Activations written as their formulas (Elu, Selu, Celu, ThresholdedRelu, Softsign, Softplus,
 * PRelu, Shrink), and Xor, CastLike and Trilu.
 */
final class ActivationOps {
    private ActivationOps() {}

    static void register() {
        Ops.add("Elu", Set.of("alpha"), n -> n.result(elu(n, n.value(0), n.attrFloat("alpha", 1), 1)));
        Ops.add(
                "Selu",
                Set.of("alpha", "gamma"),
                n -> n.result(elu(
                        n,
                        n.value(0),
                        n.attrFloat("alpha", 1.67326319217681884765625f),
                        n.attrFloat("gamma", 1.05070102214813232421875f))));
        Ops.add("Celu", Set.of("alpha"), ActivationOps::celu);
        Ops.add("ThresholdedRelu", Set.of("alpha"), n -> {
            Value x = n.value(0);
            Value above = n.b.binary(BinaryFn.GT, x, scalar(n, x, n.attrFloat("alpha", 1)));
            return n.result(n.b.select(above, x, scalar(n, x, 0)));
        });
        Ops.add("Softsign", Set.of(), n -> {
            Value x = n.value(0);
            Value den = n.b.binary(BinaryFn.ADD, n.b.unary(UnaryFn.ABS, x), scalar(n, x, 1));
            return n.result(n.b.binary(BinaryFn.DIV, x, den));
        });
        Ops.add("Softplus", Set.of(), n -> {
            Value x = n.value(0);
            return n.result(
                    n.b.unary(UnaryFn.LOG, n.b.binary(BinaryFn.ADD, n.b.unary(UnaryFn.EXP, x), scalar(n, x, 1))));
        });
        Ops.add("PRelu", Set.of(), n -> {
            Value x = n.value(0);
            Value negative = n.b.binary(BinaryFn.LT, x, scalar(n, x, 0));
            return n.result(n.b.select(negative, n.b.binary(BinaryFn.MUL, x, n.value(1)), x));
        });
        Ops.add("Shrink", Set.of("bias", "lambd"), ActivationOps::shrink);
        Ops.add("Xor", Set.of(), n -> n.result(n.b.binary(BinaryFn.NE, n.value(0), n.value(1))));
        Ops.add("CastLike", Set.of("saturate"), n -> {
            Value x = n.value(0);
            DType to = n.type(1).dtype();
            return n.result(x.type().dtype() == to ? x : n.b.cast(x, to));
        });
        Ops.add("Trilu", Set.of("upper"), ActivationOps::trilu);
    }

    private static Value scalar(OnnxNode n, Value like, double v) {
        return n.b.scalar(like.type().dtype(), v);
    }

    /** gamma * (x > 0 ? x : alpha * (exp(x) - 1)): Elu with gamma 1, Selu with its constants. */
    private static Value elu(OnnxNode n, Value x, double alpha, double gamma) {
        Value negative = n.b.binary(
                BinaryFn.MUL,
                n.b.binary(BinaryFn.SUB, n.b.unary(UnaryFn.EXP, x), scalar(n, x, 1)),
                scalar(n, x, alpha));
        Value y = n.b.select(n.b.binary(BinaryFn.GT, x, scalar(n, x, 0)), x, negative);
        return gamma == 1 ? y : n.b.binary(BinaryFn.MUL, y, scalar(n, x, gamma));
    }

    /** max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
    private static List<Operand> celu(OnnxNode n) {
        Value x = n.value(0);
        double alpha = n.attrFloat("alpha", 1);
        Value e = n.b.unary(UnaryFn.EXP, n.b.binary(BinaryFn.DIV, x, scalar(n, x, alpha)));
        Value neg = n.b.binary(BinaryFn.MUL, n.b.binary(BinaryFn.SUB, e, scalar(n, x, 1)), scalar(n, x, alpha));
        Value zero = scalar(n, x, 0);
        return n.result(
                n.b.binary(BinaryFn.ADD, n.b.binary(BinaryFn.MAX, x, zero), n.b.binary(BinaryFn.MIN, neg, zero)));
    }

    /** x < -lambd: x + bias; x > lambd: x - bias; else 0. */
    private static List<Operand> shrink(OnnxNode n) {
        Value x = n.value(0);
        double lambd = n.attrFloat("lambd", 0.5f);
        double bias = n.attrFloat("bias", 0);
        Value low = n.b.binary(BinaryFn.LT, x, scalar(n, x, -lambd));
        Value high = n.b.binary(BinaryFn.GT, x, scalar(n, x, lambd));
        Value inner = n.b.select(high, n.b.binary(BinaryFn.SUB, x, scalar(n, x, bias)), scalar(n, x, 0));
        return n.result(n.b.select(low, n.b.binary(BinaryFn.ADD, x, scalar(n, x, bias)), inner));
    }

    /** Keeps the elements with column - row >= k (upper) or <= k (lower) of the last two axes, else 0. */
    private static List<Operand> trilu(OnnxNode n) {
        Value x = n.value(0);
        Shape s = x.type().shape();
        if (s.rank() < 2
                || !s.dim(s.rank() - 2).isStatic()
                || !s.dim(s.rank() - 1).isStatic()) {
            throw n.error("needs a matrix with static last two axes, found " + x.type());
        }
        long k = n.has(1) ? n.longs(1, "k")[0] : 0;
        TensorType grid = new TensorType(DType.I64, new Shape(List.of(s.dim(s.rank() - 2), s.dim(s.rank() - 1))));
        Value rows = n.b.add(new Iota(grid, 0));
        Value cols = n.b.add(new Iota(grid, 1));
        Value diag = n.b.binary(BinaryFn.SUB, cols, rows);
        boolean upper = n.attrInt("upper", 1) != 0;
        Value keep = n.b.binary(upper ? BinaryFn.GE : BinaryFn.LE, diag, n.b.scalar(DType.I64, k));
        Value zero = n.b.scalar(x.type().dtype(), 0);
        return n.result(n.b.select(keep, x, zero));
    }
}
