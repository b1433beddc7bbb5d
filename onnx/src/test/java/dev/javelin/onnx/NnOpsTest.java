package dev.javelin.onnx;

import static dev.javelin.onnx.TinyOnnx.FLOAT;
import static dev.javelin.onnx.TinyOnnx.f;
import static dev.javelin.onnx.TinyOnnx.floats;
import static dev.javelin.onnx.TinyOnnx.i;
import static dev.javelin.onnx.TinyOnnx.ints;
import static dev.javelin.onnx.TinyOnnx.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.AttributeProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Constants, MatMul and Gemm, the reductions, and Softmax/LogSoftmax as primitives. */
class NnOpsTest {
    static NdArray f32(long[] shape, double... v) {
        return NdArray.of(DType.F32, shape, v);
    }

    @Test
    void matmulBroadcastsBatchAxesAndHandlesVectors() {
        var out = new TinyOnnx(13)
                .input("a", FLOAT, 2, 1, 3)
                .input("v", FLOAT, 3)
                .init(floats("w", new float[] {1, 0, 0, 1, 1, 1}, 3, 2))
                .node("MatMul", List.of("a", "w"), "aw")
                .node("MatMul", List.of("a", "v"), "av")
                .node("MatMul", List.of("v", "w"), "vw")
                .output("aw")
                .output("av")
                .output("vw")
                .run(Map.of("a", f32(new long[] {2, 1, 3}, 1, 2, 3, 4, 5, 6), "v", f32(new long[] {3}, 1, 0, -1)));
        assertArrayEquals(new long[] {2, 1, 2}, out.get("aw").shape());
        assertArrayEquals(new double[] {4, 5, 10, 11}, out.get("aw").toDoubles());
        assertArrayEquals(new long[] {2, 1}, out.get("av").shape());
        assertArrayEquals(new double[] {-2, -2}, out.get("av").toDoubles());
        assertArrayEquals(new long[] {2}, out.get("vw").shape());
        assertArrayEquals(new double[] {0, -1}, out.get("vw").toDoubles());
    }

    @Test
    void gemmTransposesScalesAndAddsTheBias() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 1, 2)
                .init(floats("w", new float[] {1, 2, 3, 4, 5, 6}, 3, 2))
                .init(floats("c", new float[] {1, 1, 1}, 3))
                .node("Gemm", List.of("x", "w", "c"), "y", i("transB", 1), f("alpha", 2), f("beta", 0.5f))
                .output("y")
                .run(Map.of("x", f32(new long[] {1, 2}, 1, 1)));
        assertArrayEquals(new double[] {6.5, 14.5, 22.5}, out.get("y").toDoubles());
    }

    static double[] softmax(double... v) {
        double max = java.util.Arrays.stream(v).max().orElseThrow();
        double sum = java.util.Arrays.stream(v).map(x -> Math.exp(x - max)).sum();
        return java.util.Arrays.stream(v).map(x -> Math.exp(x - max) / sum).toArray();
    }

    @Test
    void softmaxIsOverTheAxisFromOpset13AndOverTheTrailingAxesBefore() {
        NdArray x = f32(new long[] {1, 2, 2}, 1, 2, 3, 5);
        var t13 = new TinyOnnx(13)
                .input("x", FLOAT, 1, 2, 2)
                .node("Softmax", List.of("x"), "y")
                .output("y");
        var t11 = new TinyOnnx(11)
                .input("x", FLOAT, 1, 2, 2)
                .node("Softmax", List.of("x"), "y", i("axis", 1))
                .output("y");
        double[] rows = new double[4];
        System.arraycopy(softmax(1, 2), 0, rows, 0, 2);
        System.arraycopy(softmax(3, 5), 0, rows, 2, 2);
        assertArrayEquals(rows, t13.run(Map.of("x", x)).get("y").toDoubles(), 1e-7);
        assertArrayEquals(softmax(1, 2, 3, 5), t11.run(Map.of("x", x)).get("y").toDoubles(), 1e-7);
    }

    @Test
    void logSoftmax() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 3)
                .node("LogSoftmax", List.of("x"), "y")
                .output("y")
                .run(Map.of("x", f32(new long[] {3}, 0, 1, 2)));
        double[] expected =
                java.util.Arrays.stream(softmax(0, 1, 2)).map(Math::log).toArray();
        assertArrayEquals(expected, out.get("y").toDoubles(), 1e-6);
    }

    @Test
    void reductionsWithAxesAsAttributeOrInput() {
        NdArray x = f32(new long[] {2, 3}, 1, 2, 3, 4, 5, 9);
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 2, 3)
                .init(longs("axis1", new long[] {1}, 1))
                .node("ReduceMean", List.of("x"), "mean", ints("axes", -1))
                .node("ReduceSum", List.of("x", "axis1"), "sum", i("keepdims", 0))
                .node("ReduceMax", List.of("x"), "max", ints("axes", 0), i("keepdims", 0))
                .node("ReduceMin", List.of("x"), "min")
                .output("mean")
                .output("sum")
                .output("max")
                .output("min")
                .run(Map.of("x", x));
        assertArrayEquals(new long[] {2, 1}, out.get("mean").shape());
        assertArrayEquals(new double[] {2, 6}, out.get("mean").toDoubles(), 1e-7);
        assertArrayEquals(new long[] {2}, out.get("sum").shape());
        assertArrayEquals(new double[] {6, 18}, out.get("sum").toDoubles());
        assertArrayEquals(new double[] {4, 5, 9}, out.get("max").toDoubles());
        assertArrayEquals(new long[] {1, 1}, out.get("min").shape());
        assertArrayEquals(new double[] {1}, out.get("min").toDoubles());
    }

    @Test
    void constantNodesOfEveryAttributeKindAreFoldedWithWhatUsesThem() {
        TinyOnnx t = new TinyOnnx(13)
                .input("x", FLOAT, 2)
                .node("Constant", List.of(), "a", TinyOnnx.t("value", floats("v", new float[] {1, 2}, 2)))
                .node("Constant", List.of(), "b", f("value_float", 0.5f))
                .node("Constant", List.of(), "c", attr("value_floats", 3, 4))
                .node("Mul", List.of("a", "b"), "ab")
                .node("Add", List.of("ab", "c"), "abc")
                .node("Add", List.of("x", "abc"), "y")
                .output("y");
        OnnxModel m = t.load();
        // a * b + c is known at import time: one constant feeds the only add
        assertEquals(
                "[input, constant, add]",
                m.graph().nodes().stream().map(n -> n.op().mnemonic()).toList().toString());
        var out = t.run(Map.of("x", f32(new long[] {2}, 10, 20)));
        assertArrayEquals(new double[] {13.5, 25}, out.get("y").toDoubles());
    }

    private static AttributeProto attr(String name, float... v) {
        AttributeProto.Builder b =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float x : v) {
            b.addFloats(x);
        }
        return b.build();
    }
}
