package dev.javelin.onnx;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Constants, contractions, reductions and the composites (Softmax, LogSoftmax, ReduceMean) as primitives. */
final class NnOps {
    private NnOps() {}

    static void register() {
        Ops.add("Constant", Set.of("value", "value_float", "value_floats", "value_int", "value_ints"), NnOps::constant);
        Ops.add("MatMul", Set.of(), NnOps::matmul);
        Ops.add("Gemm", Set.of("alpha", "beta", "transA", "transB"), NnOps::gemm);
        Ops.add("Softmax", Set.of("axis"), n -> softmax(n, false));
        Ops.add("LogSoftmax", Set.of("axis"), n -> softmax(n, true));
        Ops.add("Gelu", Set.of("approximate"), NnOps::gelu);
        Ops.add("LayerNormalization", Set.of("axis", "epsilon", "stash_type"), NnOps::layerNorm);
    }

    private static List<Operand> constant(OnnxNode n) {
        if (n.proto.getAttributeCount() != 1) {
            throw n.error("needs exactly one value attribute, found " + n.proto.getAttributeCount());
        }
        AttributeProto a = n.proto.getAttribute(0);
        NdArray v = switch (a.getName()) {
            case "value" -> n.tensor(a);
            case "value_float" -> NdArray.scalar(DType.F32, a.getF());
            case "value_int" -> NdArray.ofLongs(DType.I64, new long[0], a.getI());
            case "value_floats" -> NdArray.of(DType.F32, new long[] {a.getFloatsCount()}, floats(a));
            default ->
                NdArray.ofLongs(
                        DType.I64,
                        new long[] {a.getIntsCount()},
                        a.getIntsList().stream().mapToLong(Long::longValue).toArray());
        };
        return List.of(Operand.ofData(n.outName(), v));
    }

    private static double[] floats(AttributeProto a) {
        double[] d = new double[a.getFloatsCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.getFloats(i);
        }
        return d;
    }

    /** ONNX MatMul is NumPy's matmul: a vector operand gains an axis that the result then loses. */
    private static List<Operand> matmul(OnnxNode n) {
        Value a = n.value(0);
        Value b = n.value(1);
        boolean vecA = a.type().rank() == 1;
        boolean vecB = b.type().rank() == 1;
        if (vecA) {
            a = n.b.reshape(a, new Shape(List.of(Dim.of(1), a.type().shape().dim(0))));
        }
        if (vecB) {
            b = n.b.reshape(b, new Shape(List.of(b.type().shape().dim(0), Dim.of(1))));
        }
        Value y = n.b.matmul(a, b);
        if (vecA || vecB) {
            List<Dim> dims = new ArrayList<>(y.type().shape().dims());
            if (vecB) {
                dims.remove(dims.size() - 1);
            }
            if (vecA) {
                dims.remove(dims.size() - (vecB ? 1 : 2));
            }
            y = n.b.reshape(y, new Shape(dims));
        }
        return n.result(y);
    }

    private static List<Operand> gemm(OnnxNode n) {
        Value a = n.value(0);
        Value b = n.value(1);
        DType d = a.type().dtype();
        Value y = n.b.add(new MatMul(n.attrInt("transA", 0) != 0, n.attrInt("transB", 0) != 0), a, b);
        float alpha = n.attrFloat("alpha", 1);
        if (alpha != 1) {
            y = n.b.binary(BinaryFn.MUL, y, n.b.scalar(d, alpha));
        }
        if (n.has(2)) {
            Value c = n.value(2);
            float beta = n.attrFloat("beta", 1);
            if (beta != 1) {
                c = n.b.binary(BinaryFn.MUL, c, n.b.scalar(d, beta));
            }
            y = n.b.binary(BinaryFn.ADD, y, c);
        }
        return n.result(y);
    }

    /**
     * exp(x - max) / sum(exp(x - max)) over the axis (from opset 13) or, before 13, over all axes
     * from {@code axis} on (the old ops flatten the operand to 2-D there); the log form subtracts
     * the log of the sum.
     */
    private static List<Operand> softmax(OnnxNode n, boolean log) {
        Value x = n.value(0);
        int rank = x.type().rank();
        int axis = n.axis(n.attrInt("axis", n.opset >= 13 ? -1 : 1), rank);
        List<Integer> axes = new ArrayList<>();
        for (int i = axis; i < (n.opset >= 13 ? axis + 1 : rank); i++) {
            axes.add(i);
        }
        Integer[] ax = axes.toArray(Integer[]::new);
        Value shifted = n.b.binary(BinaryFn.SUB, x, n.b.reduce(ReduceFn.MAX, x, true, ax));
        Value e = n.b.unary(UnaryFn.EXP, shifted);
        Value sum = n.b.reduce(ReduceFn.SUM, e, true, ax);
        return n.result(
                log
                        ? n.b.binary(BinaryFn.SUB, shifted, n.b.unary(UnaryFn.LOG, sum))
                        : n.b.binary(BinaryFn.DIV, e, sum));
    }

    /** 0.5 x (1 + erf(x / sqrt 2)), or with approximate = "tanh" 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    private static List<Operand> gelu(OnnxNode n) {
        Value x = n.value(0);
        DType d = x.type().dtype();
        String approximate = n.attr("approximate") == null
                ? "none"
                : n.attr("approximate").getS().toStringUtf8();
        Value inner;
        switch (approximate) {
            case "none" -> inner = n.b.unary(UnaryFn.ERF, n.b.binary(BinaryFn.MUL, x, n.b.scalar(d, 1 / Math.sqrt(2))));
            case "tanh" -> {
                Value cube = n.b.binary(BinaryFn.MUL, n.b.binary(BinaryFn.MUL, x, x), x);
                Value sum = n.b.binary(BinaryFn.ADD, x, n.b.binary(BinaryFn.MUL, cube, n.b.scalar(d, 0.044715)));
                inner = n.b.unary(UnaryFn.TANH, n.b.binary(BinaryFn.MUL, sum, n.b.scalar(d, Math.sqrt(2 / Math.PI))));
            }
            default -> throw n.error("approximate '" + approximate + "' is not one of none, tanh");
        }
        Value half = n.b.binary(BinaryFn.MUL, x, n.b.scalar(d, 0.5));
        return n.result(n.b.binary(BinaryFn.MUL, half, n.b.binary(BinaryFn.ADD, inner, n.b.scalar(d, 1))));
    }

    /** (x - mean) / sqrt(var + epsilon) * scale + bias over the axes from {@code axis} on. */
    private static List<Operand> layerNorm(OnnxNode n) {
        Value x = n.value(0);
        DType d = x.type().dtype();
        int rank = x.type().rank();
        int axis = n.axis(n.attrInt("axis", -1), rank);
        Integer[] axes = new Integer[rank - axis];
        List<Dim> dims = new ArrayList<>();
        for (int i = axis; i < rank; i++) {
            axes[i - axis] = i;
            dims.add(x.type().shape().dim(i));
        }
        Dim count = SymbolicShapes.product(dims);
        if (count == null || !count.isStatic()) {
            throw n.error("normalizing over the symbolic axes " + dims + " is not supported");
        }
        Value size = n.b.scalar(d, count.size());
        Value mean = n.b.binary(BinaryFn.DIV, n.b.reduce(ReduceFn.SUM, x, true, axes), size);
        Value centered = n.b.binary(BinaryFn.SUB, x, mean);
        Value var = n.b.binary(
                BinaryFn.DIV, n.b.reduce(ReduceFn.SUM, n.b.binary(BinaryFn.MUL, centered, centered), true, axes), size);
        Value std =
                n.b.unary(UnaryFn.SQRT, n.b.binary(BinaryFn.ADD, var, n.b.scalar(d, n.attrFloat("epsilon", 1e-5f))));
        Value y = n.b.binary(BinaryFn.MUL, n.b.binary(BinaryFn.DIV, centered, std), n.value(1));
        return n.result(n.has(2) ? n.b.binary(BinaryFn.ADD, y, n.value(2)) : y);
    }
}
