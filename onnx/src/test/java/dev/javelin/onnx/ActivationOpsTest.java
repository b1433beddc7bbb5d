package dev.javelin.onnx;

import static dev.javelin.onnx.TinyOnnx.FLOAT;
import static dev.javelin.onnx.TinyOnnx.i;
import static dev.javelin.onnx.TinyOnnx.ints;
import static dev.javelin.onnx.TinyOnnx.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The activations written as formulas, the reductions beyond sum/mean/max/min, ArgMax/ArgMin, Trilu. */
class ActivationOpsTest {
    static final NdArray X = NdArray.of(DType.F32, new long[] {4}, -2, -0.5, 0.5, 3);

    @Test
    void activationsMatchTheirFormulas() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 4)
                .node("Elu", List.of("x"), "elu", TinyOnnx.f("alpha", 0.5f))
                .node("Softplus", List.of("x"), "softplus")
                .node("Softsign", List.of("x"), "softsign")
                .node("ThresholdedRelu", List.of("x"), "thr", TinyOnnx.f("alpha", 0.4f))
                .node("Shrink", List.of("x"), "shrink", TinyOnnx.f("lambd", 1), TinyOnnx.f("bias", 0.5f))
                .output("elu")
                .output("softplus")
                .output("softsign")
                .output("thr")
                .output("shrink")
                .run(Map.of("x", X));
        double[] x = X.toDoubles();
        double[] elu = new double[4];
        double[] softplus = new double[4];
        double[] softsign = new double[4];
        for (int k = 0; k < 4; k++) {
            elu[k] = x[k] > 0 ? x[k] : 0.5 * (Math.exp(x[k]) - 1);
            softplus[k] = Math.log(Math.exp(x[k]) + 1);
            softsign[k] = x[k] / (1 + Math.abs(x[k]));
        }
        assertArrayEquals(elu, out.get("elu").toDoubles(), 1e-7);
        assertArrayEquals(softplus, out.get("softplus").toDoubles(), 1e-7);
        assertArrayEquals(softsign, out.get("softsign").toDoubles(), 1e-7);
        assertArrayEquals(new double[] {0, 0, 0.5, 3}, out.get("thr").toDoubles());
        assertArrayEquals(new double[] {-1.5, 0, 0, 2.5}, out.get("shrink").toDoubles());
    }

    @Test
    void reductionsArgMinAndTrilu() {
        NdArray m = NdArray.of(DType.F32, new long[] {2, 3}, 1, -2, 3, 4, 5, -6);
        var out = new TinyOnnx(13)
                .input("m", FLOAT, 2, 3)
                .node("ReduceL2", List.of("m"), "l2", ints("axes", 1), i("keepdims", 0))
                .node("ReduceL1", List.of("m"), "l1", ints("axes", 1), i("keepdims", 0))
                .node("ReduceLogSumExp", List.of("m"), "lse", ints("axes", 1), i("keepdims", 0))
                .node("ArgMin", List.of("m"), "argmin", i("axis", 1))
                .node("Trilu", List.of("m"), "upper")
                .init(longs("k", new long[] {0}))
                .node("Trilu", List.of("m", "k"), "lower", i("upper", 0))
                .output("l2")
                .output("l1")
                .output("lse")
                .output("argmin")
                .output("upper")
                .output("lower")
                .run(Map.of("m", m));
        assertArrayEquals(
                new double[] {Math.sqrt(14), Math.sqrt(77)}, out.get("l2").toDoubles(), 1e-7);
        assertArrayEquals(new double[] {6, 15}, out.get("l1").toDoubles());
        double lse0 = Math.log(Math.exp(1) + Math.exp(-2) + Math.exp(3));
        double lse1 = Math.log(Math.exp(4) + Math.exp(5) + Math.exp(-6));
        assertArrayEquals(new double[] {lse0, lse1}, out.get("lse").toDoubles(), 1e-7);
        assertArrayEquals(new long[] {2, 1}, out.get("argmin").shape());
        assertArrayEquals(new long[] {1, 2}, out.get("argmin").toLongs());
        assertArrayEquals(new double[] {1, -2, 3, 0, 5, -6}, out.get("upper").toDoubles());
        assertArrayEquals(new double[] {1, 0, 0, 4, 5, 0}, out.get("lower").toDoubles());
    }

    @Test
    void xorAndCastLike() {
        var out = new TinyOnnx(15)
                .input("a", TinyOnnx.BOOL, 4)
                .input("b", TinyOnnx.BOOL, 4)
                .input("like", TinyOnnx.INT64, 1)
                .input("x", FLOAT, 4)
                .node("Xor", List.of("a", "b"), "xor")
                .node("CastLike", List.of("x", "like"), "ints")
                .output("xor")
                .output("ints")
                .run(Map.of(
                        "a", NdArray.of(DType.BOOL, new long[] {4}, 0, 0, 1, 1),
                        "b", NdArray.of(DType.BOOL, new long[] {4}, 0, 1, 0, 1),
                        "like", NdArray.zeros(DType.I64, 1),
                        "x", X));
        assertArrayEquals(new double[] {0, 1, 1, 0}, out.get("xor").toDoubles());
        assertArrayEquals(new long[] {-2, 0, 0, 3}, out.get("ints").toLongs());
    }

    @Test
    void argMaxOfTheLastIndexIsAnError() {
        var t = new TinyOnnx(13)
                .input("x", FLOAT, 4)
                .node("ArgMax", List.of("x"), "y", i("select_last_index", 1))
                .output("y");
        assertEquals(
                "node 'n0' (ArgMax, opset 13): select_last_index 1 is not supported (the IR's argmax takes the"
                        + " first on ties)",
                assertThrows(OnnxException.class, t::load).getMessage());
    }
}
