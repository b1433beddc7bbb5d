package dev.javelin.onnx;

import static dev.javelin.onnx.TinyOnnx.FLOAT;
import static dev.javelin.onnx.TinyOnnx.floats;
import static dev.javelin.onnx.TinyOnnx.i;
import static dev.javelin.onnx.TinyOnnx.longs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.StringStringEntryProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading files and tensors, weights as parameters, names, and the errors for what is not supported. */
class ImportTest {
    @Test
    void largeFloatTensorsBecomeParametersAndSmallOnesConstants() {
        float[] w = new float[20];
        for (int k = 0; k < w.length; k++) {
            w[k] = k;
        }
        OnnxModel m = new TinyOnnx(13)
                .input("x", FLOAT, 4, 5)
                .init(floats("layer.0/weight", w, 4, 5))
                .init(floats("bias", new float[] {1, 2, 3, 4, 5}, 5))
                .node("Mul", List.of("x", "layer.0/weight"), "xw")
                .node("Add", List.of("xw", "bias"), "y:out")
                .output("y:out")
                .load();
        assertEquals("[layer.0_weight]", m.weights().keySet().toString());
        assertArrayEquals(new long[] {4, 5}, m.weights().get("layer.0_weight").shape());
        assertEquals(
                1,
                m.graph().nodes().stream()
                        .filter(n -> n.op() instanceof Parameter)
                        .count());
        assertEquals("{y:out=y_out}", m.outputNames().toString());
    }

    @Test
    void typedFieldsFloat16AndExternalDataAreRead(@TempDir Path dir) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(12)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1.5f)
                .putFloat(-2)
                .putFloat(8);
        Files.write(dir.resolve("weights.bin"), concat(new byte[4], raw.array()));
        TensorProto external = TensorProto.newBuilder()
                .setName("ext")
                .setDataType(FLOAT)
                .addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(
                        StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin"))
                .addExternalData(
                        StringStringEntryProto.newBuilder().setKey("offset").setValue("4"))
                .build();
        TensorProto half = TensorProto.newBuilder()
                .setName("half")
                .setDataType(TensorProto.DataType.FLOAT16_VALUE)
                .addDims(3)
                .setRawData(ByteString.copyFrom(new byte[] {0, 0x3C, 0, (byte) 0xC0, 0, 0x38})) // 1, -2, 0.5
                .build();
        TensorProto typed = TensorProto.newBuilder()
                .setName("typed")
                .setDataType(FLOAT)
                .addDims(3)
                .addFloatData(1)
                .addFloatData(2)
                .addFloatData(3)
                .build();
        TinyOnnx t = new TinyOnnx(13)
                .init(external)
                .init(half)
                .init(typed)
                .node("Cast", List.of("half"), "h32", i("to", FLOAT))
                .node("Add", List.of("ext", "h32"), "s")
                .node("Add", List.of("s", "typed"), "y")
                .output("y");
        OnnxModel m = OnnxModel.of(t.model(), dir, "ext");
        var out = dev.javelin.ir.interp.Interpreter.run(m.graph(), m.feeds(Map.of()))
                .outputs();
        assertArrayEquals(new double[] {3.5, -2, 11.5}, out.get("y").toDoubles());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void externalDataOutsideTheModelFolderIsRefused(@TempDir Path dir) {
        TensorProto escape = TensorProto.newBuilder()
                .setName("w")
                .setDataType(FLOAT)
                .addDims(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(
                        StringStringEntryProto.newBuilder().setKey("location").setValue("../w.bin"))
                .build();
        var model = new TinyOnnx(13)
                .init(escape)
                .node("Neg", List.of("w"), "y")
                .output("y")
                .model();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.of(model, dir, "m"));
        assertEquals(
                "initializer 'w' names external file '../w.bin' outside the model's folder " + dir
                        + "; only files beside the model are read",
                e.getMessage());
    }

    @Test
    void anUnsupportedOpNamesTheNodeTheOpsetAndTheSupportedOps() {
        var t = new TinyOnnx(17)
                .input("x", FLOAT, 2)
                .node("Einsum", List.of("x"), "y")
                .output("y");
        OnnxException e = assertThrows(OnnxException.class, t::load);
        assertEquals(
                "node 'n0' (Einsum, opset 17): op Einsum is not supported; supported ops: "
                        + String.join(", ", Ops.supported()),
                e.getMessage());
        assertEquals(true, e.getMessage().contains("supported ops: Abs, Add, And, ArgMax, ArgMin, AveragePool,"));
    }

    @Test
    void anOpNewerThanTheModelsOpsetIsAnError() {
        var t = new TinyOnnx(13)
                .input("x", FLOAT, 2)
                .node("Gelu", List.of("x"), "y")
                .output("y");
        assertEquals(
                "node 'n0' (Gelu, opset 13): op Gelu is not in opset 13 (it was added in opset 20)",
                assertThrows(OnnxException.class, t::load).getMessage());
    }

    @Test
    void anUnsupportedAttributeNamesTheAttributeAndTheSupportedOnes() {
        var t = new TinyOnnx(13)
                .input("x", FLOAT, 2)
                .node("Softmax", List.of("x"), "y", i("axis", 0), i("stash_type", 1))
                .output("y");
        OnnxException e = assertThrows(OnnxException.class, t::load);
        assertEquals(
                "node 'n0' (Softmax, opset 13): attribute 'stash_type' is not supported; Softmax supports axis",
                e.getMessage());
    }

    @Test
    void anUnsupportedOpsetOrElementTypeOrDomainIsAnError() {
        var old = new TinyOnnx(6)
                .input("x", FLOAT, 2)
                .node("Neg", List.of("x"), "y")
                .output("y");
        assertEquals(
                "tiny uses opset 6 of the default ONNX domain; Javelin imports opsets 7 to 21",
                assertThrows(OnnxException.class, old::load).getMessage());
        var bytes =
                new TinyOnnx(13).input("x", TensorProto.DataType.UINT8_VALUE, 2).output("x");
        assertEquals(
                "graph input 'x' has element type uint8 (2), which Javelin does not import; supported: "
                        + Tensors.SUPPORTED_TYPES,
                assertThrows(OnnxException.class, bytes::load).getMessage());
        var ms = new TinyOnnx(13).input("x", FLOAT, 2);
        ms.node("Neg", List.of("x"), "y").output("y");
        var m = ms.model().toBuilder();
        m.getGraphBuilder().getNodeBuilder(0).setDomain("com.microsoft");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.of(m.build(), Path.of("."), "m"));
        assertEquals(
                "node 'n0' (Neg, opset 13): domain 'com.microsoft' is not supported; Javelin imports ops of"
                        + " the default ONNX domain only",
                e.getMessage());
    }

    @Test
    void aSymbolicShapeUsedAsDataIsAnErrorSayingWhereShapesFold() {
        var t = new TinyOnnx(13)
                .input("x", FLOAT, "batch", 3)
                .init(longs("two", new long[] {2}))
                .node("Shape", List.of("x"), "s")
                .node("Mul", List.of("s", "two"), "y")
                .output("y");
        OnnxException e = assertThrows(OnnxException.class, t::load);
        assertEquals(
                "node 'n1' (Mul, opset 13): input 0 's' is a shape with symbolic elements [batch, 3], used here"
                        + " as data; shape values fold only through " + Ops.SHAPE_FOLDING + " into the shape, bound and"
                        + " size operands of " + Ops.SHAPE_CONSUMERS,
                e.getMessage());
    }

    @Test
    void anOperandTheIrRejectsNamesTheOnnxNode() {
        var t = new TinyOnnx(13)
                .input("a", FLOAT, 2, 3)
                .input("b", FLOAT, 4, 5)
                .node("MatMul", List.of("a", "b"), "y")
                .output("y");
        assertEquals(
                "node 'n0' (MatMul, opset 13): matmul(f32[2,3], f32[4,5]): matmul contraction dimensions"
                        + " differ: 3 vs 4 (f32[2,3] x f32[4,5])",
                assertThrows(OnnxException.class, t::load).getMessage());
    }

    @Test
    void infoListsInputsOutputsOpCountsCoverageAndTheImportResult(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.onnx");
        Files.write(
                file,
                new TinyOnnx(13)
                        .input("x", FLOAT, "batch", 3)
                        .node("Neg", List.of("x"), "n")
                        .node("Neg", List.of("n"), "m")
                        .node("Einsum", List.of("m"), "y")
                        .output("y")
                        .model()
                        .toByteArray());
        assertEquals("""
                model: m.onnx
                IR version: 8
                opsets: ai.onnx 13
                inputs:
                  x: float[batch, 3]
                outputs:
                  y: (not a tensor)
                initializers: 0 (0 values)
                ops (3 nodes):
                  Einsum                    1  NOT SUPPORTED
                  Neg                       2  supported
                coverage: 1 of 2 op types supported
                import: fails: node 'n2' (Einsum, opset 13): op Einsum is not supported; supported ops: %s
                """.formatted(String.join(", ", Ops.supported())), OnnxInfo.describe(file));
    }

    @Test
    void aFileThatIsNoModelAndAnUnknownInputAreErrors(@TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.onnx"), "not a model at all");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(bad));
        assertEquals(true, e.getMessage().startsWith(bad + " is not an ONNX model"), e.getMessage());
        var t = new TinyOnnx(13)
                .input("x", FLOAT, 2)
                .node("Neg", List.of("z"), "y")
                .output("y");
        assertEquals(
                "node 'n0' (Neg, opset 13): input 'z' is neither a graph input, an initializer nor an earlier"
                        + " node's output",
                assertThrows(OnnxException.class, t::load).getMessage());
        OnnxModel m = new TinyOnnx(13)
                .input("x", FLOAT, 2)
                .node("Neg", List.of("x"), "y")
                .output("y")
                .load();
        assertEquals(
                "input 'x' is missing; the model's inputs are [x]",
                assertThrows(OnnxException.class, () -> m.feeds(Map.of())).getMessage());
        assertEquals(
                "the model has no input 'q'; its inputs are [x]",
                assertThrows(
                                OnnxException.class,
                                () -> m.feeds(
                                        Map.of("x", NdArray.zeros(DType.F32, 2), "q", NdArray.zeros(DType.F32, 2))))
                        .getMessage());
    }

    @Test
    void aModelFileRoundTripsThroughLoad(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.onnx");
        Files.write(
                file,
                new TinyOnnx(13)
                        .input("x", FLOAT, "n")
                        .node("Neg", List.of("x"), "y")
                        .output("y")
                        .model()
                        .toByteArray());
        OnnxModel m = OnnxModel.load(file);
        assertEquals(13, m.opset());
        assertEquals("{x=x}", m.inputNames().toString());
        var out = dev.javelin.ir.interp.Interpreter.run(
                        m.graph(), m.feeds(Map.of("x", NdArray.of(DType.F32, new long[] {2}, 1, -3))))
                .outputs();
        assertArrayEquals(new double[] {-1, 3}, out.get("y").toDoubles());
    }
}
