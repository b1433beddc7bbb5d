package dev.javelin.onnx;

import static dev.javelin.onnx.TinyOnnx.FLOAT;
import static dev.javelin.onnx.TinyOnnx.f;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Split, Tile, Pad, Sum, Mean and Size. */
class MoreOpsTest {
    static NdArray iota(long... shape) {
        int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return NdArray.of(
                DType.F32, shape, IntStream.range(0, n).asDoubleStream().toArray());
    }

    @Test
    void splitBySizesAsAnInputOrAnAttributeAndIntoEqualParts() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 2, 5)
                .init(longs("sizes", new long[] {2, 3}, 2))
                .node("Split", List.of("x", "sizes"), List.of("a", "b"), i("axis", 1))
                .node("Split", List.of("x"), List.of("top", "bottom"))
                .output("a")
                .output("b")
                .output("top")
                .output("bottom")
                .run(Map.of("x", iota(2, 5)));
        assertArrayEquals(new double[] {0, 1, 5, 6}, out.get("a").toDoubles());
        assertArrayEquals(new double[] {2, 3, 4, 7, 8, 9}, out.get("b").toDoubles());
        assertArrayEquals(new double[] {0, 1, 2, 3, 4}, out.get("top").toDoubles());
        assertArrayEquals(new double[] {5, 6, 7, 8, 9}, out.get("bottom").toDoubles());
        var old = new TinyOnnx(11)
                .input("x", FLOAT, 5)
                .node("Split", List.of("x"), List.of("p", "q"), ints("split", 4, 1))
                .output("q")
                .run(Map.of("x", iota(5)));
        assertArrayEquals(new double[] {4}, old.get("q").toDoubles());
    }

    @Test
    void unevenSplitIsAnErrorNamingTheSizes() {
        var t = new TinyOnnx(13)
                .input("x", FLOAT, 5)
                .node("Split", List.of("x"), List.of("a", "b"))
                .output("a");
        assertEquals(
                "node 'n0' (Split, opset 13): axis 0 of size 5 does not split into 2 equal parts",
                assertThrows(OnnxException.class, t::load).getMessage());
    }

    @Test
    void tileRepeatsWholeAxes() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 2, 2)
                .init(longs("r", new long[] {2, 3}, 2))
                .node("Tile", List.of("x", "r"), "y")
                .output("y")
                .run(Map.of("x", iota(2, 2)));
        assertArrayEquals(new long[] {4, 6}, out.get("y").shape());
        assertArrayEquals(
                new double[] {0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3, 0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3},
                out.get("y").toDoubles());
    }

    @Test
    void padWithAValueAndNegativePadsThatCrop() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 2, 3)
                .init(longs("p", new long[] {1, -1, 0, 2}, 4))
                .init(TinyOnnx.floats("v", new float[] {9}))
                .node("Pad", List.of("x", "p", "v"), "y")
                .output("y")
                .run(Map.of("x", iota(2, 3)));
        assertArrayEquals(new long[] {3, 4}, out.get("y").shape());
        assertArrayEquals(
                new double[] {9, 9, 9, 9, 1, 2, 9, 9, 4, 5, 9, 9}, out.get("y").toDoubles());
        var old = new TinyOnnx(7)
                .input("x", FLOAT, 2)
                .node("Pad", List.of("x"), "y", ints("pads", 1, 0), f("value", -1))
                .output("y")
                .run(Map.of("x", iota(2)));
        assertArrayEquals(new double[] {-1, 0, 1}, old.get("y").toDoubles());
    }

    @Test
    void sumMeanAndSize() {
        var t = new TinyOnnx(13)
                .input("a", FLOAT, 2)
                .input("b", FLOAT, 2)
                .input("c", FLOAT, "n")
                .node("Sum", List.of("a", "b", "a"), "s")
                .node("Mean", List.of("a", "b"), "m")
                .node("Size", List.of("c"), "size")
                .node(
                        "ConstantOfShape",
                        List.of("size"),
                        "ones",
                        TinyOnnx.t("value", TinyOnnx.floats("one", new float[] {1}, 1)))
                .output("s")
                .output("m")
                .output("ones");
        var out = t.run(Map.of("a", iota(2), "b", NdArray.of(DType.F32, new long[] {2}, 10, 20), "c", iota(3)));
        assertArrayEquals(new double[] {10, 22}, out.get("s").toDoubles());
        assertArrayEquals(new double[] {5, 10.5}, out.get("m").toDoubles());
        assertArrayEquals(new double[] {1, 1, 1}, out.get("ones").toDoubles());
    }
}
