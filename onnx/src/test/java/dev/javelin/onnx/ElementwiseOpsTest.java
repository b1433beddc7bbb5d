package dev.javelin.onnx;

import static dev.javelin.onnx.TinyOnnx.BOOL;
import static dev.javelin.onnx.TinyOnnx.FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The elementwise ops, each in a one-node model run on the reference interpreter. */
class ElementwiseOpsTest {
    static final double[] X = {-1.5, -0.25, 0.5, 2.0};

    static NdArray f32(long[] shape, double... v) {
        return NdArray.of(DType.F32, shape, v);
    }

    static Stream<Arguments> unaryOps() {
        return Stream.of(
                Arguments.of("Abs", (DoubleUnaryOperator) Math::abs),
                Arguments.of("Neg", (DoubleUnaryOperator) v -> -v),
                Arguments.of("Exp", (DoubleUnaryOperator) Math::exp),
                Arguments.of("Tanh", (DoubleUnaryOperator) Math::tanh),
                Arguments.of("Sigmoid", (DoubleUnaryOperator) v -> 1 / (1 + Math.exp(-v))),
                Arguments.of("Reciprocal", (DoubleUnaryOperator) v -> 1 / v),
                Arguments.of("Floor", (DoubleUnaryOperator) Math::floor),
                Arguments.of("Ceil", (DoubleUnaryOperator) Math::ceil),
                Arguments.of("Sin", (DoubleUnaryOperator) Math::sin),
                Arguments.of("Cos", (DoubleUnaryOperator) Math::cos),
                Arguments.of("Relu", (DoubleUnaryOperator) v -> Math.max(v, 0)),
                Arguments.of("Identity", (DoubleUnaryOperator) v -> v));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unaryOps")
    void unaryOpMatchesItsFormula(String op, DoubleUnaryOperator fn) {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 2, 2)
                .node(op, List.of("x"), "y")
                .output("y")
                .run(Map.of("x", f32(new long[] {2, 2}, X)));
        double[] expected = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            expected[i] = (float) fn.applyAsDouble((float) X[i]);
        }
        assertArrayEquals(expected, out.get("y").toDoubles(), 1e-6);
    }

    @Test
    void logSqrtAndErfOfPositiveValues() {
        NdArray x = f32(new long[] {3}, 0.25, 1, 4);
        var t = new TinyOnnx(13).input("x", FLOAT, 3);
        t.node("Log", List.of("x"), "log").node("Sqrt", List.of("x"), "sqrt").node("Erf", List.of("x"), "erf");
        var out = t.output("log").output("sqrt").output("erf").run(Map.of("x", x));
        assertArrayEquals(
                new double[] {Math.log(0.25), 0, Math.log(4)}, out.get("log").toDoubles(), 1e-7);
        assertArrayEquals(new double[] {0.5, 1, 2}, out.get("sqrt").toDoubles(), 1e-7);
        // erf(0.25), erf(1), erf(4) from tables (Abramowitz and Stegun 7.1)
        assertArrayEquals(
                new double[] {0.2763263902, 0.8427007929, 0.9999999846},
                out.get("erf").toDoubles(),
                1e-7);
    }

    @Test
    void binaryOpsBroadcastAsNumPy() {
        NdArray a = f32(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        NdArray b = f32(new long[] {3}, 10, 20, 40);
        var t = new TinyOnnx(13).input("a", FLOAT, 2, 3).input("b", FLOAT, 3);
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Max", "Min")) {
            t.node(op, List.of("a", "b"), op.toLowerCase()).output(op.toLowerCase());
        }
        var out = t.run(Map.of("a", a, "b", b));
        assertArrayEquals(new double[] {11, 22, 43, 14, 25, 46}, out.get("add").toDoubles());
        assertArrayEquals(
                new double[] {-9, -18, -37, -6, -15, -34}, out.get("sub").toDoubles());
        assertArrayEquals(
                new double[] {10, 40, 120, 40, 100, 240}, out.get("mul").toDoubles());
        assertArrayEquals(
                new double[] {0.1, 0.1, 0.075, 0.4, 0.25, 0.15}, out.get("div").toDoubles(), 1e-7);
        assertArrayEquals(new double[] {10, 20, 40, 10, 20, 40}, out.get("max").toDoubles());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, out.get("min").toDoubles());
    }

    @Test
    void powOfTwoIsASquareAndOtherExponentsArePow() {
        var t = new TinyOnnx(11)
                .input("x", FLOAT, 3)
                .init(TinyOnnx.floats("two", new float[] {2}))
                .init(TinyOnnx.floats("three", new float[] {3}))
                .node("Pow", List.of("x", "two"), "sq")
                .node("Pow", List.of("x", "three"), "cube")
                .output("sq")
                .output("cube");
        var out = t.run(Map.of("x", f32(new long[] {3}, -2, 0.5, 3)));
        assertArrayEquals(new double[] {4, 0.25, 9}, out.get("sq").toDoubles());
        assertArrayEquals(new double[] {-8, 0.125, 27}, out.get("cube").toDoubles(), 1e-9);
        long pows = t.load().graph().nodes().stream()
                .filter(n -> n.op().mnemonic().equals("pow"))
                .count();
        assertEquals(1, pows, "x^2 is a multiply, x^3 a pow");
    }

    @Test
    void comparisonsLogicAndWhere() {
        NdArray a = f32(new long[] {4}, 1, 2, 3, 4);
        NdArray b = f32(new long[] {4}, 2, 2, 2, 2);
        var out = new TinyOnnx(13)
                .input("a", FLOAT, 4)
                .input("b", FLOAT, 4)
                .node("Less", List.of("a", "b"), "lt")
                .node("Equal", List.of("a", "b"), "eq")
                .node("Greater", List.of("a", "b"), "gt")
                .node("Or", List.of("lt", "eq"), "le")
                .node("Not", List.of("le"), "notLe")
                .node("And", List.of("notLe", "gt"), "both")
                .node("Where", List.of("lt", "a", "b"), "w")
                .output("le")
                .output("both")
                .output("w")
                .run(Map.of("a", a, "b", b));
        assertArrayEquals(new double[] {1, 1, 0, 0}, out.get("le").toDoubles());
        assertArrayEquals(new double[] {0, 0, 1, 1}, out.get("both").toDoubles());
        assertArrayEquals(new double[] {1, 2, 2, 2}, out.get("w").toDoubles());
        assertEquals(DType.BOOL, out.get("both").dtype());
    }

    @Test
    void clipLeakyReluAndInferenceDropout() {
        NdArray x = f32(new long[] {4}, -2, -0.5, 0.5, 2);
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 4)
                .init(TinyOnnx.floats("lo", new float[] {-1}))
                .init(TinyOnnx.floats("hi", new float[] {1}))
                .node("Clip", List.of("x", "lo", "hi"), "clip")
                .node("LeakyRelu", List.of("x"), "leaky", TinyOnnx.f("alpha", 0.5f))
                .node("Dropout", List.of("x"), "drop")
                .output("clip")
                .output("leaky")
                .output("drop")
                .run(Map.of("x", x));
        assertArrayEquals(new double[] {-1, -0.5, 0.5, 1}, out.get("clip").toDoubles());
        assertArrayEquals(new double[] {-1, -0.25, 0.5, 2}, out.get("leaky").toDoubles());
        assertArrayEquals(x.toDoubles(), out.get("drop").toDoubles());
    }

    @Test
    void clipBeforeOpset11TakesAttributes() {
        var out = new TinyOnnx(7)
                .input("x", FLOAT, 3)
                .node("Clip", List.of("x"), "y", TinyOnnx.f("min", 0), TinyOnnx.f("max", 6))
                .output("y")
                .run(Map.of("x", f32(new long[] {3}, -1, 3, 9)));
        assertArrayEquals(new double[] {0, 3, 6}, out.get("y").toDoubles());
    }

    @Test
    void boolInputsImport() {
        var out = new TinyOnnx(13)
                .input("m", BOOL, 2)
                .node("Not", List.of("m"), "y")
                .output("y")
                .run(Map.of("m", NdArray.of(DType.BOOL, new long[] {2}, 1, 0)));
        assertArrayEquals(new double[] {0, 1}, out.get("y").toDoubles());
    }
}
