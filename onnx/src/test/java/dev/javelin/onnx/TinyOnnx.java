package dev.javelin.onnx;

import com.google.protobuf.ByteString;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.AttributeProto;
import dev.javelin.onnx.proto.Onnx.GraphProto;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.OperatorSetIdProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.onnx.proto.Onnx.TensorShapeProto;
import dev.javelin.onnx.proto.Onnx.TypeProto;
import dev.javelin.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds small ONNX models with the generated protobuf builders, as an exporter would write them. */
final class TinyOnnx {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int BOOL = TensorProto.DataType.BOOL_VALUE;

    private final GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
    private final int opset;
    private int nodes;

    TinyOnnx(int opset) {
        this.opset = opset;
    }

    /** A graph input; each dim is a Long (static) or a String (a named dynamic dim). */
    TinyOnnx input(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            s.addDim(
                    d instanceof String p
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam(p)
                            : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        g.addInput(ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(elemType)
                                .setShape(s))));
        return this;
    }

    TinyOnnx output(String name) {
        g.addOutput(ValueInfoProto.newBuilder().setName(name));
        return this;
    }

    TinyOnnx init(TensorProto t) {
        g.addInitializer(t);
        return this;
    }

    /** A node {@code op(inputs) -> out}, named n0, n1, ... */
    TinyOnnx node(String op, List<String> inputs, String out, AttributeProto... attrs) {
        g.addNode(NodeProto.newBuilder()
                .setName("n" + nodes++)
                .setOpType(op)
                .addAllInput(inputs)
                .addOutput(out)
                .addAllAttribute(Arrays.asList(attrs)));
        return this;
    }

    /** A node with several outputs. */
    TinyOnnx node(String op, List<String> inputs, List<String> outs, AttributeProto... attrs) {
        g.addNode(NodeProto.newBuilder()
                .setName("n" + nodes++)
                .setOpType(op)
                .addAllInput(inputs)
                .addAllOutput(outs)
                .addAllAttribute(Arrays.asList(attrs)));
        return this;
    }

    ModelProto model() {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g)
                .build();
    }

    OnnxModel load() {
        return OnnxModel.of(model(), Path.of("."), "tiny");
    }

    /** Imports and runs the model on the reference interpreter; the feeds are by ONNX input name. */
    Map<String, NdArray> run(Map<String, NdArray> inputs) {
        OnnxModel m = load();
        return Interpreter.run(m.graph(), m.feeds(inputs)).outputs();
    }

    /** A float tensor stored as raw little-endian bytes, as PyTorch's exporter writes weights. */
    static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(FLOAT)
                .addAllDims(Arrays.stream(dims).boxed().toList())
                .setRawData(ByteString.copyFrom(b.array()))
                .build();
    }

    /** An int64 tensor in the typed int64_data field. */
    static TensorProto longs(String name, long[] values, long... dims) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(INT64)
                .addAllDims(Arrays.stream(dims).boxed().toList())
                .addAllInt64Data(Arrays.stream(values).boxed().toList())
                .build();
    }

    static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(v)
                .build();
    }

    static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF(v)
                .build();
    }

    static AttributeProto ints(String name, long... v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INTS)
                .addAllInts(Arrays.stream(v).boxed().toList())
                .build();
    }

    static AttributeProto t(String name, TensorProto v) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.TENSOR)
                .setT(v)
                .build();
    }
}
