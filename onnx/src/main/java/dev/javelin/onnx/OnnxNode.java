package dev.javelin.onnx;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.AttributeProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.List;

/**
 * One ONNX node as an op converter sees it: its operands, attributes and opset, the builder to add
 * nodes to, and errors that name the node, its op and the opset.
 */
final class OnnxNode {
    final NodeProto proto;
    final int opset;
    final GraphBuilder b;
    private final List<Operand> inputs;
    private final Materializer materializer;
    private final java.nio.file.Path modelDir;

    /** Turns known contents into a graph value of the builder the node converts into. */
    interface Materializer {
        Value value(Operand o);
    }

    OnnxNode(
            NodeProto proto,
            int opset,
            GraphBuilder b,
            List<Operand> inputs,
            Materializer materializer,
            java.nio.file.Path modelDir) {
        this.modelDir = modelDir;
        this.proto = proto;
        this.opset = opset;
        this.b = b;
        this.inputs = inputs;
        this.materializer = materializer;
    }

    /** The node's single result: graph value {@code v}, named after the node's first output. */
    List<Operand> result(Value v) {
        return List.of(Operand.ofValue(outName(), v));
    }

    /** The node's first output name (or the node's name when it has none). */
    String outName() {
        return proto.getOutputCount() > 0 ? proto.getOutput(0) : proto.getName();
    }

    /** The tensor of TENSOR attribute {@code a}, read like an initializer. */
    NdArray tensor(AttributeProto a) {
        return Tensors.read(a.getT(), modelDir, describe(proto, opset) + " attribute '" + a.getName() + "'");
    }

    String op() {
        return proto.getOpType();
    }

    /** The node as errors name it: {@code node 'name' (Op, opset N)}. */
    static String describe(NodeProto p, int opset) {
        String name = p.getName().isEmpty() ? "#" + String.join(",", p.getOutputList()) : p.getName();
        return "node '" + name + "' (" + p.getOpType() + ", opset " + opset + ")";
    }

    OnnxException error(String message) {
        return new OnnxException(describe(proto, opset) + ": " + message);
    }

    int inputCount() {
        return inputs.size();
    }

    /** Whether input {@code i} is given (ONNX leaves optional inputs out or names them ""). */
    boolean has(int i) {
        return i < inputs.size() && inputs.get(i) != null;
    }

    Operand in(int i) {
        if (!has(i)) {
            throw error("input " + i + " is missing");
        }
        return inputs.get(i);
    }

    TensorType type(int i) {
        return in(i).type;
    }

    /** Input {@code i} as a graph value. */
    Value value(int i) {
        Operand o = in(i);
        if (o.isSymbolic()) {
            throw error("input " + i + " '" + o.name + "' is a shape with symbolic elements " + o.dims
                    + ", used here as data; shape values fold only through " + Ops.SHAPE_FOLDING
                    + " into the shape, bound and size operands of " + Ops.SHAPE_CONSUMERS);
        }
        return materializer.value(o);
    }

    /** Known contents or a value as a graph value (small arrays as constants, weights as parameters). */
    Value materialize(Operand o) {
        if (o.isSymbolic()) {
            throw error("'" + o.name + "' is a shape with symbolic elements " + o.dims + ", used here as data");
        }
        return materializer.value(o);
    }

    /** Array {@code a}, computed at import time, as a graph value named after {@code name} if a weight. */
    Value constantOrWeight(String name, NdArray a) {
        return materializer.value(Operand.ofData(name, a));
    }

    /** Input {@code i}'s contents, which must be known at import time. */
    NdArray constant(int i, String what) {
        Operand o = in(i);
        if (o.data == null) {
            throw error("input " + i + " (" + what + ") must be a constant, found "
                    + (o.isSymbolic() ? "the symbolic shape " + o.dims : "a value computed at run time"));
        }
        return o.data;
    }

    /** Input {@code i} as a vector of (possibly symbolic) sizes known at import time. */
    List<Dim> dims(int i, String what) {
        Operand o = in(i);
        List<Dim> d = o.dims != null ? o.dims : o.data != null && o.data.rank() <= 1 ? toDims(o.data) : null;
        if (d == null) {
            throw error("input " + i + " (" + what + ") must be known at import time (a constant, or a shape"
                    + " computed from shapes), found a value computed at run time: " + o.type);
        }
        return d;
    }

    /** Input {@code i} as whole numbers known at import time (negative values allowed). */
    long[] longs(int i, String what) {
        NdArray a = constant(i, what);
        if (!a.dtype().isInteger()) {
            throw error("input " + i + " (" + what + ") must be an integer tensor, found " + a.type());
        }
        return a.toLongs();
    }

    /**
     * The entries of an integer vector as sizes; a negative entry (Reshape's -1) becomes a marker
     * symbol that {@link #negative} recognizes, so one list carries static, symbolic and marker entries.
     */
    private List<Dim> toDims(NdArray a) {
        if (!a.dtype().isInteger()) {
            throw error("a shape operand must be an integer tensor, found " + a.type());
        }
        List<Dim> out = new ArrayList<>();
        for (long v : a.toLongs()) {
            out.add(entry(v));
        }
        return out;
    }

    /**
     * Entry {@code v} of a shape or bound vector: a static size, or a marker for a negative value
     * (below -2^62 it is clamped there: such a bound means "from the far end" either way).
     */
    static Dim entry(long v) {
        return v >= 0 ? Dim.of(v) : new Dim.Sym(NEGATIVE + -Math.max(v, -(1L << 62)));
    }

    /** Prefix of the marker symbol that stands for a negative entry (-1 in a Reshape shape). */
    static final String NEGATIVE = "__negative_";

    /** The negative number a marker stands for, or 0 when {@code d} is no marker. */
    static long negative(Dim d) {
        return d instanceof Dim.Sym s && s.name().startsWith(NEGATIVE)
                ? -Long.parseLong(s.name().substring(NEGATIVE.length()))
                : 0;
    }

    AttributeProto attr(String name) {
        for (AttributeProto a : proto.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    long attrInt(String name, long dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getI();
    }

    float attrFloat(String name, float dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getF();
    }

    /** The ints attribute {@code name}, or null when absent. */
    long[] attrInts(String name) {
        AttributeProto a = attr(name);
        return a == null
                ? null
                : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** An axis attribute or operand in {@code [-rank, rank)}, made non-negative. */
    int axis(long axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw error("axis " + axis + " is out of range for rank " + rank + " (expected -" + rank + " to "
                    + (rank - 1) + ")");
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }
}
