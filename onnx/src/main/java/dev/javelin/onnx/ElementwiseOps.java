package dev.javelin.onnx;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Set;

/** Elementwise ONNX ops: unary math, binary arithmetic and comparisons (NumPy broadcasting), Where, Clip. */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static void register() {
        unary("Abs", UnaryFn.ABS);
        unary("Neg", UnaryFn.NEG);
        unary("Exp", UnaryFn.EXP);
        unary("Log", UnaryFn.LOG);
        unary("Sqrt", UnaryFn.SQRT);
        unary("Tanh", UnaryFn.TANH);
        unary("Sigmoid", UnaryFn.SIGMOID);
        unary("Erf", UnaryFn.ERF);
        unary("Reciprocal", UnaryFn.RECIPROCAL);
        unary("Floor", UnaryFn.FLOOR);
        unary("Ceil", UnaryFn.CEIL);
        unary("Sin", UnaryFn.SIN);
        unary("Cos", UnaryFn.COS);
        unary("Not", UnaryFn.NOT);
        binary("Add", BinaryFn.ADD);
        binary("Sub", BinaryFn.SUB);
        binary("Mul", BinaryFn.MUL);
        binary("Div", BinaryFn.DIV);
        binary("Equal", BinaryFn.EQ);
        binary("Less", BinaryFn.LT);
        binary("LessOrEqual", BinaryFn.LE);
        binary("Greater", BinaryFn.GT);
        binary("GreaterOrEqual", BinaryFn.GE);
        binary("And", BinaryFn.AND);
        binary("Or", BinaryFn.OR);
        variadic("Max", BinaryFn.MAX);
        variadic("Min", BinaryFn.MIN);
        Ops.add("Pow", Set.of(), ElementwiseOps::pow);
        Ops.add(
                "Relu",
                Set.of(),
                n -> n.result(
                        n.b.binary(BinaryFn.MAX, n.value(0), zero(n.b, n.type(0).dtype()))));
        Ops.add("LeakyRelu", Set.of("alpha"), ElementwiseOps::leakyRelu);
        Ops.add("Where", Set.of(), n -> n.result(n.b.select(n.value(0), n.value(1), n.value(2))));
        Ops.add("Clip", Set.of("min", "max"), ElementwiseOps::clip);
        // Identity and inference-mode Dropout pass their operand through, known contents included.
        Ops.add("Identity", Set.of(), n -> List.of(n.in(0)));
        Ops.add("Dropout", Set.of("seed", "ratio", "is_test"), ElementwiseOps::dropout);
    }

    private static void unary(String op, UnaryFn fn) {
        Ops.add(op, Set.of(), n -> n.result(n.b.unary(fn, n.value(0))));
    }

    private static void binary(String op, BinaryFn fn) {
        Ops.add(op, Set.of(), n -> n.result(n.b.binary(fn, n.value(0), n.value(1))));
    }

    private static void variadic(String op, BinaryFn fn) {
        Ops.add(op, Set.of(), n -> {
            Value acc = n.value(0);
            for (int i = 1; i < n.inputCount(); i++) {
                acc = n.b.binary(fn, acc, n.value(i));
            }
            return n.result(acc);
        });
    }

    static Value zero(GraphBuilder b, DType d) {
        return b.scalar(d, 0);
    }

    /** x^2 is x*x and x^0.5 is sqrt(x) (exact and cheaper than pow); other exponents use pow. */
    private static List<Operand> pow(OnnxNode n) {
        Value x = n.value(0);
        NdArray e = n.in(1).data;
        if (e != null && e.size() == 1 && e.rank() == 0) {
            if (e.get(0) == 2) {
                return n.result(n.b.binary(BinaryFn.MUL, x, x));
            }
            if (e.get(0) == 0.5) {
                return n.result(n.b.unary(UnaryFn.SQRT, x));
            }
        }
        Value y = n.value(1);
        if (y.type().dtype() != x.type().dtype()) {
            y = n.b.cast(y, x.type().dtype());
        }
        return n.result(n.b.binary(BinaryFn.POW, x, y));
    }

    private static List<Operand> leakyRelu(OnnxNode n) {
        Value x = n.value(0);
        DType d = x.type().dtype();
        Value scaled = n.b.binary(BinaryFn.MUL, x, n.b.scalar(d, n.attrFloat("alpha", 0.01f)));
        Value negative = n.b.binary(BinaryFn.LT, x, zero(n.b, d));
        return n.result(n.b.select(negative, scaled, x));
    }

    /** Clip's bounds are attributes before opset 11 and optional inputs from 11 on. */
    private static List<Operand> clip(OnnxNode n) {
        Value x = n.value(0);
        DType d = x.type().dtype();
        Value lo = null;
        Value hi = null;
        if (n.opset < 11) {
            lo = n.attr("min") == null ? null : n.b.scalar(d, n.attrFloat("min", 0));
            hi = n.attr("max") == null ? null : n.b.scalar(d, n.attrFloat("max", 0));
        } else {
            if (n.attr("min") != null || n.attr("max") != null) {
                throw n.error("attributes 'min' and 'max' are inputs from opset 11 on");
            }
            lo = n.has(1) ? n.value(1) : null;
            hi = n.has(2) ? n.value(2) : null;
        }
        if (lo != null) {
            x = n.b.binary(BinaryFn.MAX, x, lo);
        }
        if (hi != null) {
            x = n.b.binary(BinaryFn.MIN, x, hi);
        }
        return n.result(x);
    }

    private static List<Operand> dropout(OnnxNode n) {
        if (n.has(2)) {
            NdArray training = n.constant(2, "training_mode");
            if (training.get(0) != 0) {
                throw n.error("training_mode is true; Javelin imports Dropout for inference only");
            }
        }
        if (n.attr("is_test") != null && n.attrInt("is_test", 1) == 0) {
            throw n.error("is_test is 0 (training); Javelin imports Dropout for inference only");
        }
        return List.of(n.in(0));
    }
}
