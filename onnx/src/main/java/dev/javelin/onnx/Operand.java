package dev.javelin.onnx;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.List;

/**
 * What the importer knows about one ONNX value: a value of the graph being built, or contents known
 * at import time. Known contents are either an array ({@link #data}: initializers, Constant nodes
 * and what is folded from them) or a vector of dimensions some of which are symbolic ({@link
 * #dims}: what Shape gives for a dynamic shape, and what Gather, Unsqueeze, Concat, ... make of
 * it), so shape-computing subgraphs fold into the static or symbolic shapes that Reshape, Expand and
 * Slice need. Known contents become a graph value only when an op uses them as data.
 */
final class Operand {
    final String name;
    final TensorType type;
    final NdArray data;
    final List<Dim> dims;
    Value value;

    private Operand(String name, TensorType type, NdArray data, List<Dim> dims, Value value) {
        this.name = name;
        this.type = type;
        this.data = data;
        this.dims = dims == null ? null : List.copyOf(dims);
        this.value = value;
    }

    static Operand ofValue(String name, Value v) {
        return new Operand(name, v.type(), null, null, v);
    }

    static Operand ofData(String name, NdArray a) {
        return new Operand(name, a.type(), a, null, null);
    }

    /**
     * An integer vector (or a scalar when {@code scalar}) of {@code dtype} with elements {@code
     * dims}; an array when every element is static.
     */
    static Operand ofDims(String name, List<Dim> dims, boolean scalar, DType dtype) {
        long[] shape = scalar ? new long[0] : new long[] {dims.size()};
        if (dims.stream().allMatch(Dim::isStatic)) {
            long[] values = dims.stream().mapToLong(Dim::size).toArray();
            return ofData(name, NdArray.ofLongs(dtype, shape, values));
        }
        return new Operand(name, TensorType.of(dtype, shape), null, dims, null);
    }

    /** Whether the contents are known at import time (an array or a symbolic vector). */
    boolean isKnown() {
        return data != null || dims != null;
    }

    /** Whether the contents are a vector with at least one symbolic element. */
    boolean isSymbolic() {
        return dims != null;
    }

    /**
     * The elements as dimensions, for an integer scalar or vector whose contents are known; null
     * otherwise.
     */
    List<Dim> knownDims() {
        if (dims != null) {
            return dims;
        }
        if (data == null || !data.dtype().isInteger() || data.rank() > 1) {
            return null;
        }
        List<Dim> out = new ArrayList<>();
        for (long v : data.toLongs()) {
            if (v < 0) {
                return null;
            }
            out.add(Dim.of(v));
        }
        return out;
    }

    Shape shape() {
        return type.shape();
    }

    /** How an error shows the contents: the symbolic vector, or the operand's type. */
    String describe() {
        return dims != null ? dims.toString() : type.toString();
    }
}
