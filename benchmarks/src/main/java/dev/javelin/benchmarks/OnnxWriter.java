package dev.javelin.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal ONNX model writer: f32 graphs of single-output nodes without attributes (enough for
 * MatMul, Add and Relu), encoded as protobuf by hand, since Javelin has no ONNX exporter yet and
 * ONNX Runtime's jar ships no ONNX message classes. Field numbers are those of onnx.proto
 * (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto).
 */
public final class OnnxWriter {
    /** ONNX IR version 8 and opset 13: old enough for every ONNX Runtime of the last years. */
    static final long IR_VERSION = 8;

    static final long OPSET = 13;
    private static final int FLOAT = 1; // TensorProto.DataType.FLOAT

    private final String name;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();

    public OnnxWriter(String graphName) {
        this.name = graphName;
    }

    /** A graph input of f32 values with the given static shape. */
    public OnnxWriter input(String name, long... dims) {
        inputs.add(valueInfo(name, dims));
        return this;
    }

    /** A graph output of f32 values with the given static shape. */
    public OnnxWriter output(String name, long... dims) {
        outputs.add(valueInfo(name, dims));
        return this;
    }

    /** A constant f32 tensor (a weight), stored as little-endian raw data. */
    public OnnxWriter initializer(String name, float[] values, long... dims) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("initializer " + name + ": shape " + java.util.Arrays.toString(dims)
                    + " holds " + count + " values, given " + values.length);
        }
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        Message t = new Message();
        for (long d : dims) {
            t.varint(1, d); // dims
        }
        t.varint(2, FLOAT); // data_type
        t.string(8, name); // name
        t.bytes(9, raw.array()); // raw_data
        initializers.add(t.toBytes());
        return this;
    }

    /** A node of the default domain computing {@code output} from {@code inputs}. */
    public OnnxWriter node(String opType, String output, String... inputs) {
        Message n = new Message();
        for (String in : inputs) {
            n.string(1, in); // input
        }
        n.string(2, output); // output
        n.string(3, output + "_" + opType); // name
        n.string(4, opType); // op_type
        nodes.add(n.toBytes());
        return this;
    }

    /** The serialized ModelProto. */
    public byte[] toBytes() {
        Message g = new Message();
        nodes.forEach(n -> g.bytes(1, n));
        g.string(2, name);
        initializers.forEach(t -> g.bytes(5, t));
        inputs.forEach(v -> g.bytes(11, v));
        outputs.forEach(v -> g.bytes(12, v));
        Message opset = new Message().string(1, "").varint(2, OPSET);
        return new Message()
                .varint(1, IR_VERSION) // ir_version
                .string(2, "javelin-benchmarks") // producer_name
                .bytes(7, g.toBytes()) // graph
                .bytes(8, opset.toBytes()) // opset_import
                .toBytes();
    }

    private static byte[] valueInfo(String name, long... dims) {
        Message shape = new Message();
        for (long d : dims) {
            shape.bytes(1, new Message().varint(1, d).toBytes()); // dim { dim_value }
        }
        Message tensor = new Message().varint(1, FLOAT).bytes(2, shape.toBytes()); // elem_type, shape
        Message type = new Message().bytes(1, tensor.toBytes()); // tensor_type
        return new Message().string(1, name).bytes(2, type.toBytes()).toBytes();
    }

    /** One protobuf message being written: varint (wire type 0) and length-delimited (2) fields. */
    static final class Message {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Message varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Message bytes(int field, byte[] value) {
            raw((long) field << 3 | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        Message string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        /** Base-128, least significant group first, high bit set on all but the last byte. */
        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
