package dev.javelin.onnx;

import static dev.javelin.onnx.TinyOnnx.FLOAT;
import static dev.javelin.onnx.TinyOnnx.f;
import static dev.javelin.onnx.TinyOnnx.floats;
import static dev.javelin.onnx.TinyOnnx.i;
import static dev.javelin.onnx.TinyOnnx.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.AttributeProto;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Conv, the pools, BatchNormalization, the hard activations, Gelu and LayerNormalization. */
class CnnOpsTest {
    /** x: [1, 1, 4, 4] holding 0..15. */
    static NdArray image() {
        return NdArray.of(
                DType.F32,
                new long[] {1, 1, 4, 4},
                IntStream.range(0, 16).asDoubleStream().toArray());
    }

    static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v))
                .build();
    }

    @Test
    void convWithPaddingStrideAndBias() {
        // a 2x2 all-ones kernel, stride 2, padding 1 on the top and left only: sums of 2x2 windows
        var out = new TinyOnnx(11)
                .input("x", FLOAT, 1, 1, 4, 4)
                .init(floats("w", new float[] {1, 1, 1, 1}, 1, 1, 2, 2))
                .init(floats("b", new float[] {100}, 1))
                .node("Conv", List.of("x", "w", "b"), "y", ints("pads", 1, 1, 0, 0), ints("strides", 2, 2))
                .output("y")
                .run(Map.of("x", image()));
        assertArrayEquals(new long[] {1, 1, 2, 2}, out.get("y").shape());
        // windows: {0}, {1,2}, {4,8}, {5,6,9,10}
        assertArrayEquals(new double[] {100, 103, 112, 130}, out.get("y").toDoubles());
    }

    @Test
    void depthwiseConvWithSameUpperPadding() {
        NdArray x = NdArray.of(DType.F32, new long[] {1, 2, 2, 2}, 1, 2, 3, 4, 10, 20, 30, 40);
        var out = new TinyOnnx(11)
                .input("x", FLOAT, 1, 2, 2, 2)
                .init(floats("w", new float[] {1, 0, 0, 0, 2, 0, 0, 0}, 2, 1, 2, 2))
                .node("Conv", List.of("x", "w"), "y", i("group", 2), s("auto_pad", "SAME_UPPER"))
                .output("y")
                .run(Map.of("x", x));
        // a kernel that picks its window's top-left element: the input itself, channel 1 doubled
        assertArrayEquals(
                new double[] {1, 2, 3, 4, 20, 40, 60, 80}, out.get("y").toDoubles());
    }

    @Test
    void convTransposeScattersEachInputOverItsWindow() {
        // stride 2, 2x2 kernel [[1, 2], [3, 4]]: each input element becomes a scaled 2x2 block; bias 10
        NdArray x = NdArray.of(DType.F32, new long[] {1, 1, 1, 2}, 1, 10);
        var out = new TinyOnnx(11)
                .input("x", FLOAT, 1, 1, 1, 2)
                .init(floats("w", new float[] {1, 2, 3, 4}, 1, 1, 2, 2))
                .init(floats("b", new float[] {10}, 1))
                .node("ConvTranspose", List.of("x", "w", "b"), "y", ints("strides", 2, 2))
                .output("y")
                .run(Map.of("x", x));
        assertArrayEquals(new long[] {1, 1, 2, 4}, out.get("y").shape());
        assertArrayEquals(
                new double[] {11, 12, 20, 30, 13, 14, 40, 50}, out.get("y").toDoubles());
    }

    @Test
    void nearestResizeRepeatsEachElement() {
        NdArray x = NdArray.of(DType.F32, new long[] {1, 1, 2, 2}, 1, 2, 3, 4);
        var out = new TinyOnnx(11)
                .input("x", FLOAT, 1, 1, 2, 2)
                .init(floats("roi", new float[0], 0))
                .init(floats("scales", new float[] {1, 1, 2, 3}, 4))
                .node(
                        "Resize",
                        List.of("x", "roi", "scales"),
                        "y",
                        s("mode", "nearest"),
                        s("coordinate_transformation_mode", "asymmetric"),
                        s("nearest_mode", "floor"))
                .output("y")
                .run(Map.of("x", x));
        assertArrayEquals(new long[] {1, 1, 4, 6}, out.get("y").shape());
        assertArrayEquals(
                new double[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4},
                out.get("y").toDoubles());
    }

    @Test
    void linearResizeIsAnErrorSayingWhatIsSupported() {
        var t = new TinyOnnx(11)
                .input("x", FLOAT, 1, 1, 2, 2)
                .init(floats("roi", new float[0], 0))
                .init(floats("scales", new float[] {1, 1, 2, 2}, 4))
                .node("Resize", List.of("x", "roi", "scales"), "y", s("mode", "linear"))
                .output("y");
        assertEquals(
                "node 'n0' (Resize, opset 11): Resize mode 'linear' with coordinate_transformation_mode"
                        + " 'half_pixel' and nearest_mode 'round_prefer_floor' is not supported; nearest with asymmetric"
                        + " and floor, by whole-number factors, is",
                assertThrows(OnnxException.class, t::load).getMessage());
    }

    @Test
    void poolsIncludingCeilModeAndGlobalPools() {
        var out = new TinyOnnx(11)
                .input("x", FLOAT, 1, 1, 4, 4)
                .node("MaxPool", List.of("x"), "max", ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node("AveragePool", List.of("x"), "avg", ints("kernel_shape", 2, 2), ints("strides", 2, 2))
                .node(
                        "MaxPool",
                        List.of("x"),
                        "ceil",
                        ints("kernel_shape", 3, 3),
                        ints("strides", 2, 2),
                        i("ceil_mode", 1))
                .node("GlobalAveragePool", List.of("x"), "gavg")
                .node("GlobalMaxPool", List.of("x"), "gmax")
                .output("max")
                .output("avg")
                .output("ceil")
                .output("gavg")
                .output("gmax")
                .run(Map.of("x", image()));
        assertArrayEquals(new double[] {5, 7, 13, 15}, out.get("max").toDoubles());
        assertArrayEquals(new double[] {2.5, 4.5, 10.5, 12.5}, out.get("avg").toDoubles());
        assertArrayEquals(new long[] {1, 1, 2, 2}, out.get("ceil").shape());
        assertArrayEquals(new double[] {10, 11, 14, 15}, out.get("ceil").toDoubles());
        assertArrayEquals(new long[] {1, 1, 1, 1}, out.get("gavg").shape());
        assertArrayEquals(new double[] {7.5}, out.get("gavg").toDoubles());
        assertArrayEquals(new double[] {15}, out.get("gmax").toDoubles());
    }

    @Test
    void averagePoolThatWouldNotCountItsPaddingIsAnError() {
        var t = new TinyOnnx(11)
                .input("x", FLOAT, 1, 1, 4, 4)
                .node("AveragePool", List.of("x"), "y", ints("kernel_shape", 2, 2), ints("pads", 1, 1, 1, 1))
                .output("y");
        assertEquals(
                "node 'n0' (AveragePool, opset 11): an average pool with padding and count_include_pad = 0 is"
                        + " not supported (the IR's average counts the padding)",
                assertThrows(OnnxException.class, t::load).getMessage());
    }

    @Test
    void batchNormalizationWithKnownStatisticsFoldsToAMultiplyAndAnAdd() {
        NdArray x = NdArray.of(DType.F32, new long[] {1, 2, 1, 2}, 1, 2, 3, 4);
        TinyOnnx t = new TinyOnnx(9)
                .input("x", FLOAT, 1, 2, 1, 2)
                .init(floats("scale", new float[] {2, 1}, 2))
                .init(floats("bias", new float[] {0, 1}, 2))
                .init(floats("mean", new float[] {1, 3}, 2))
                .init(floats("var", new float[] {4, 1}, 2))
                .node("BatchNormalization", List.of("x", "scale", "bias", "mean", "var"), "y", f("epsilon", 0));
        t.output("y");
        assertEquals(
                "[input, constant, mul, constant, add]",
                t.load().graph().nodes().stream()
                        .map(n -> n.op().mnemonic())
                        .toList()
                        .toString());
        // channel 0: (x - 1) / 2 * 2 + 0; channel 1: (x - 3) / 1 * 1 + 1
        assertArrayEquals(
                new double[] {0, 1, 1, 2}, t.run(Map.of("x", x)).get("y").toDoubles(), 1e-6);
    }

    @Test
    void hardSigmoidHardSwishAndGelu() {
        NdArray x = NdArray.of(DType.F32, new long[] {4}, -4, -1, 0.5, 4);
        var out = new TinyOnnx(20)
                .input("x", FLOAT, 4)
                .node("HardSigmoid", List.of("x"), "hs")
                .node("HardSwish", List.of("x"), "hw")
                .node("Gelu", List.of("x"), "gelu")
                .node("Gelu", List.of("x"), "tanh", s("approximate", "tanh"))
                .output("hs")
                .output("hw")
                .output("gelu")
                .output("tanh")
                .run(Map.of("x", x));
        assertArrayEquals(new double[] {0, 0.3, 0.6, 1}, out.get("hs").toDoubles(), 1e-6);
        assertArrayEquals(
                new double[] {0, -1 / 3.0, 0.5 * (0.5 / 6 + 0.5), 4},
                out.get("hw").toDoubles(),
                1e-6);
        // x * Phi(x), Phi the standard normal CDF (tables); the tanh form agrees to about 1e-3
        double[] gelu = {-4 * 3.1671241833e-5, -0.15865525393145707, 0.34573123063700656, 4 * 0.9999683287581669};
        assertArrayEquals(gelu, out.get("gelu").toDoubles(), 1e-5);
        assertArrayEquals(gelu, out.get("tanh").toDoubles(), 1e-3);
    }

    @Test
    void layerNormalizationOverTheLastAxis() {
        NdArray x = NdArray.of(DType.F32, new long[] {2, 2}, 1, 3, 10, 20);
        var out = new TinyOnnx(17)
                .input("x", FLOAT, 2, 2)
                .init(floats("g", new float[] {1, 2}, 2))
                .init(floats("b", new float[] {0, 1}, 2))
                .node("LayerNormalization", List.of("x", "g", "b"), "y", f("epsilon", 0))
                .output("y")
                .run(Map.of("x", x));
        assertArrayEquals(new double[] {-1, 3, -1, 3}, out.get("y").toDoubles(), 1e-6);
    }
}
