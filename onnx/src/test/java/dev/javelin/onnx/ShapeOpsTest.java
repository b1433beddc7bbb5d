package dev.javelin.onnx;

import static dev.javelin.onnx.TinyOnnx.FLOAT;
import static dev.javelin.onnx.TinyOnnx.INT64;
import static dev.javelin.onnx.TinyOnnx.i;
import static dev.javelin.onnx.TinyOnnx.ints;
import static dev.javelin.onnx.TinyOnnx.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Shape-computing subgraphs folded at import time, and the ops that move and reshape data. */
class ShapeOpsTest {
    static NdArray iota(long... shape) {
        int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        return NdArray.of(
                DType.F32, shape, IntStream.range(0, n).asDoubleStream().toArray());
    }

    static String outType(OnnxModel m, String output) {
        Graph g = m.graph();
        return g.node(g.outputs().stream()
                        .filter(o -> o.name().equals(output))
                        .findFirst()
                        .orElseThrow()
                        .node())
                .type()
                .toString();
    }

    /** x: [batch, 6] reshaped to [batch, 2, 3] by a target computed from Shape(x), as PyTorch exports view(). */
    static TinyOnnx shapeSubgraph() {
        return new TinyOnnx(13)
                .input("x", FLOAT, "batch", 6)
                .init(longs("zero", new long[] {0}))
                .init(longs("rest", new long[] {2, 3}, 2))
                .node("Shape", List.of("x"), "shape")
                .node("Gather", List.of("shape", "zero"), "b", i("axis", 0))
                .node("Unsqueeze", List.of("b", "zero"), "b1")
                .node("Concat", List.of("b1", "rest"), "target", i("axis", 0))
                .node("Reshape", List.of("x", "target"), "y")
                .output("y");
    }

    @Test
    void shapeGatherUnsqueezeConcatReshapeFoldsToASymbolicTarget() {
        TinyOnnx t = shapeSubgraph();
        OnnxModel m = t.load();
        assertEquals("f32[batch,2,3]", outType(m, "y"));
        // the whole shape computation folded: only the input and one reshape remain
        assertEquals(
                "[input, reshape]",
                m.graph().nodes().stream().map(n -> n.op().mnemonic()).toList().toString());
        NdArray y = t.run(Map.of("x", iota(3, 6))).get("y");
        assertArrayEquals(new long[] {3, 2, 3}, y.shape());
        assertArrayEquals(iota(3, 6).toDoubles(), y.toDoubles());
    }

    @Test
    void reshapeCopiesZerosAndInfersMinusOneWithSymbols() {
        TinyOnnx t = new TinyOnnx(13)
                .input("x", FLOAT, "batch", "seq", 4)
                .init(longs("s", new long[] {0, 0, -1, 2}, 4))
                .node("Reshape", List.of("x", "s"), "y")
                .output("y");
        assertEquals("f32[batch,seq,2,2]", outType(t.load(), "y"));
        NdArray y = t.run(Map.of("x", iota(2, 3, 4))).get("y");
        assertArrayEquals(new long[] {2, 3, 2, 2}, y.shape());
    }

    @Test
    void reshapeToAProductOfSymbolsIsAnErrorNamingTheNode() {
        TinyOnnx t = new TinyOnnx(13)
                .input("x", FLOAT, "batch", "seq", 4)
                .init(longs("s", new long[] {-1, 4}, 2))
                .node("Reshape", List.of("x", "s"), "y")
                .output("y");
        OnnxException e = assertThrows(OnnxException.class, t::load);
        assertEquals(
                "node 'n0' (Reshape, opset 13): cannot infer the -1 entry of shape [-1, 4] for input"
                        + " f32[batch,seq,4]: the IR has symbolic sizes only as single symbols, not products or quotients",
                e.getMessage());
    }

    @Test
    void flattenTransposeSqueezeAndUnsqueeze() {
        var out = new TinyOnnx(11)
                .input("x", FLOAT, 2, 1, 3)
                .node("Flatten", List.of("x"), "flat", i("axis", 1))
                .node("Transpose", List.of("x"), "tr", ints("perm", 2, 0, 1))
                .node("Squeeze", List.of("x"), "sq", ints("axes", 1))
                .node("Unsqueeze", List.of("sq"), "unsq", ints("axes", 0, -1))
                .output("flat")
                .output("tr")
                .output("sq")
                .output("unsq")
                .run(Map.of("x", iota(2, 1, 3)));
        assertArrayEquals(new long[] {2, 3}, out.get("flat").shape());
        assertArrayEquals(new long[] {3, 2, 1}, out.get("tr").shape());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, out.get("tr").toDoubles());
        assertArrayEquals(new long[] {2, 3}, out.get("sq").shape());
        assertArrayEquals(new long[] {1, 2, 3, 1}, out.get("unsq").shape());
    }

    @Test
    void squeezeAndUnsqueezeTakeAxesAsAnInputFromOpset13() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 2, 3)
                .init(longs("axes", new long[] {1}, 1))
                .node("Unsqueeze", List.of("x", "axes"), "u")
                .node("Squeeze", List.of("u", "axes"), "s")
                .output("u")
                .output("s")
                .run(Map.of("x", iota(2, 3)));
        assertArrayEquals(new long[] {2, 1, 3}, out.get("u").shape());
        assertArrayEquals(new long[] {2, 3}, out.get("s").shape());
    }

    @Test
    void sliceWithNegativeBoundsStepsAndAReversal() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 3, 6)
                .init(longs("s", new long[] {1, -5}, 2))
                .init(longs("e", new long[] {Long.MAX_VALUE, -1}, 2))
                .init(longs("ax", new long[] {0, 1}, 2))
                .init(longs("st", new long[] {1, 2}, 2))
                .init(longs("rs", new long[] {-1}, 1))
                .init(longs("re", new long[] {Long.MIN_VALUE}, 1))
                .init(longs("r1", new long[] {1}, 1))
                .node("Slice", List.of("x", "s", "e", "ax", "st"), "y")
                .node("Slice", List.of("x", "rs", "re", "r1", "rs"), "rev")
                .output("y")
                .output("rev")
                .run(Map.of("x", iota(3, 6)));
        assertArrayEquals(new long[] {2, 2}, out.get("y").shape());
        assertArrayEquals(new double[] {7, 9, 13, 15}, out.get("y").toDoubles());
        assertArrayEquals(
                new double[] {5, 4, 3, 2, 1, 0},
                java.util.Arrays.copyOf(out.get("rev").toDoubles(), 6));
    }

    @Test
    void sliceToASymbolicLengthGathersAnIotaAsBertPositionIdsDo() {
        // position_ids [1, 8] cut to the sequence length: Slice(ids, 0, Unsqueeze(Gather(Shape(x), 1)), 1)
        TinyOnnx t = new TinyOnnx(11)
                .input("x", INT64, "batch", "seq")
                .init(longs("ids", new long[] {10, 11, 12, 13, 14, 15, 16, 17}, 1, 8))
                .init(longs("zero", new long[] {0}, 1))
                .init(longs("one", new long[] {1}, 1))
                .init(longs("idx1", new long[] {1}))
                .node("Shape", List.of("x"), "shape")
                .node("Gather", List.of("shape", "idx1"), "seq", i("axis", 0))
                .node("Unsqueeze", List.of("seq"), "end", ints("axes", 0))
                .node("Slice", List.of("ids", "zero", "end", "one", "one"), "pos")
                .output("pos");
        assertEquals("i64[1,seq]", outType(t.load(), "pos"));
        NdArray pos = t.run(Map.of("x", NdArray.zeros(DType.I64, 2, 5))).get("pos");
        assertArrayEquals(new long[] {10, 11, 12, 13, 14}, pos.toLongs());
    }

    @Test
    void staticBoundsOnASymbolicAxisGatherConstantIndices() {
        TinyOnnx t = new TinyOnnx(13)
                .input("x", FLOAT, "batch", "seq", 2)
                .init(longs("zero", new long[] {0}, 1))
                .init(longs("one", new long[] {1}, 1))
                .node("Slice", List.of("x", "zero", "one", "one"), "cls")
                .output("cls");
        assertEquals("f32[batch,1,2]", outType(t.load(), "cls"));
        NdArray cls = t.run(Map.of("x", iota(2, 3, 2))).get("cls");
        assertArrayEquals(new double[] {0, 1, 6, 7}, cls.toDoubles());
    }

    @Test
    void expandConstantOfShapeAndRangeWithSymbolicSizes() {
        TinyOnnx t = new TinyOnnx(13)
                .input("x", FLOAT, "batch", 3)
                .init(TinyOnnx.floats("row", new float[] {1, 2, 3}, 3))
                .init(longs("zero", new long[] {0}))
                .init(longs("one", new long[] {1}))
                .node("Shape", List.of("x"), "shape")
                .node("Expand", List.of("row", "shape"), "rows")
                .node(
                        "ConstantOfShape",
                        List.of("shape"),
                        "fill",
                        TinyOnnx.t("value", TinyOnnx.floats("v", new float[] {7}, 1)))
                .node("Gather", List.of("shape", "zero"), "b", i("axis", 0))
                .node("Range", List.of("zero", "b", "one"), "r")
                .output("rows")
                .output("fill")
                .output("r");
        OnnxModel m = t.load();
        assertEquals("f32[batch,3]", outType(m, "rows"));
        assertEquals("f32[batch,3]", outType(m, "fill"));
        assertEquals("i64[batch]", outType(m, "r"));
        var out = t.run(Map.of("x", iota(2, 3)));
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, out.get("rows").toDoubles());
        assertArrayEquals(new double[] {7, 7, 7, 7, 7, 7}, out.get("fill").toDoubles());
        assertArrayEquals(new long[] {0, 1}, out.get("r").toLongs());
    }

    @Test
    void castAndGatherOfRuntimeIndices() {
        var out = new TinyOnnx(13)
                .input("table", FLOAT, 4, 2)
                .input("idx", INT64, 3)
                .node("Gather", List.of("table", "idx"), "rows", i("axis", 0))
                .node("Cast", List.of("rows"), "ints", i("to", INT64))
                .output("ints")
                .run(Map.of(
                        "table",
                        NdArray.of(DType.F32, new long[] {4, 2}, 0.5, 1.5, -2.7, 3, 4, 5, 6, 7),
                        "idx",
                        NdArray.ofLongs(DType.I64, new long[] {3}, 1, 0, 1)));
        assertArrayEquals(new long[] {-2, 3, 0, 1, -2, 3}, out.get("ints").toLongs());
    }

    @Test
    void flattenWithANegativeAxisCountsFromTheRank() {
        var out = new TinyOnnx(13)
                .input("x", FLOAT, 2, 3, 4)
                .node("Flatten", List.of("x"), "y", i("axis", -1))
                .output("y")
                .run(Map.of("x", iota(2, 3, 4)));
        assertArrayEquals(new long[] {6, 4}, out.get("y").shape());
    }

    @Test
    void negativeIndicesKnownOnlyAtRunTimeCountFromTheEnd() {
        var out = new TinyOnnx(13)
                .input("table", FLOAT, 5)
                .input("idx", INT64, 3)
                .node("Gather", List.of("table", "idx"), "y", i("axis", 0))
                .output("y")
                .run(Map.of("table", iota(5), "idx", NdArray.ofLongs(DType.I64, new long[] {3}, -1, 0, -5)));
        assertArrayEquals(new double[] {4, 0, 0}, out.get("y").toDoubles());
    }

    @Test
    void rangeOfConstantsIsFolded() {
        OnnxModel m = new TinyOnnx(13)
                .init(longs("a", new long[] {2}))
                .init(longs("b", new long[] {11}))
                .init(longs("d", new long[] {3}))
                .node("Range", List.of("a", "b", "d"), "r")
                .output("r")
                .load();
        assertEquals("i64[3]", outType(m, "r"));
        assertEquals(
                "[constant]",
                m.graph().nodes().stream().map(n -> n.op().mnemonic()).toList().toString());
    }
}
