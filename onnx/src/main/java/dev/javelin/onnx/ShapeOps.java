package dev.javelin.onnx;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Ops that move or reshape data, and the shape-computing ops: Shape gives the (possibly symbolic)
 * dimensions of its operand at import time, and Gather, Unsqueeze, Squeeze, Concat, Cast and Slice
 * of such a shape are folded too, so a Reshape or Expand whose target was computed from shapes gets
 * a static or symbolic target.
 */
final class ShapeOps {
    private ShapeOps() {}

    static void register() {
        Ops.add("Shape", Set.of("start", "end"), ShapeOps::shape);
        Ops.add("Gather", Set.of("axis"), ShapeOps::gather);
        Ops.add("Unsqueeze", Set.of("axes"), ShapeOps::unsqueeze);
        Ops.add("Squeeze", Set.of("axes"), ShapeOps::squeeze);
        Ops.add("Concat", Set.of("axis"), ShapeOps::concat);
        Ops.add("Cast", Set.of("to", "saturate"), ShapeOps::cast);
        Ops.add("Reshape", Set.of("allowzero"), ShapeOps::reshape);
        Ops.add("Flatten", Set.of("axis"), ShapeOps::flatten);
        Ops.add("Transpose", Set.of("perm"), ShapeOps::transpose);
        Ops.add("Expand", Set.of(), ShapeOps::expand);
        Ops.add("ConstantOfShape", Set.of("value"), ShapeOps::constantOfShape);
        Ops.add("Range", Set.of(), ShapeOps::range);
        Ops.add("Slice", Set.of("starts", "ends", "axes"), Slices::slice);
    }

    private static List<Operand> shape(OnnxNode n) {
        List<Dim> dims = n.type(0).shape().dims();
        int r = dims.size();
        int start = clampAxis(n.attrInt("start", 0), r);
        int end = clampAxis(n.attrInt("end", r), r);
        return List.of(Operand.ofDims(n.outName(), dims.subList(start, Math.max(start, end)), false, DType.I64));
    }

    private static int clampAxis(long a, int rank) {
        return (int) Math.max(0, Math.min(rank, a < 0 ? a + rank : a));
    }

    private static List<Operand> gather(OnnxNode n) {
        int axis = n.axis(n.attrInt("axis", 0), n.type(0).rank());
        if (n.in(0).isSymbolic()) {
            List<Dim> dims = n.in(0).dims;
            NdArray idx = n.constant(1, "indices of a symbolic shape");
            List<Dim> picked = new ArrayList<>();
            for (long i : idx.toLongs()) {
                picked.add(dims.get(n.axis(i, dims.size())));
            }
            return List.of(Operand.ofDims(
                    n.outName(), picked, idx.rank() == 0, n.type(0).dtype()));
        }
        Value indices;
        if (n.in(1).data != null) {
            NdArray idx = n.in(1).data;
            Dim d = n.type(0).shape().dim(axis);
            long[] v = idx.toLongs();
            for (int i = 0; i < v.length; i++) {
                if (v[i] < 0) {
                    if (!d.isStatic()) {
                        throw n.error("negative index " + v[i] + " on symbolic axis " + axis + " (" + d
                                + ") is not supported");
                    }
                    v[i] += d.size();
                }
            }
            indices = n.b.constant(
                    TensorType.of(DType.I64, idx.shape()),
                    Arrays.stream(v).asDoubleStream().toArray());
        } else {
            indices = wrapNegative(n, n.value(1), n.type(0).shape().dim(axis));
        }
        return n.result(n.b.add(new Gather(axis), n.value(0), indices));
    }

    /** Indices known only at run time, negative ones counted from the end: {@code i < 0 ? i + size : i}. */
    private static Value wrapNegative(OnnxNode n, Value idx, Dim size) {
        if (!size.isStatic()) {
            // a symbolic size has no value to add; the IR's gather rejects a negative index at run time
            return idx;
        }
        DType d = idx.type().dtype();
        Value negative = n.b.binary(BinaryFn.LT, idx, n.b.scalar(d, 0));
        return n.b.select(negative, n.b.binary(BinaryFn.ADD, idx, n.b.scalar(d, size.size())), idx);
    }

    /** The axes of Unsqueeze and Squeeze: an attribute before opset 13, an optional input from 13 on. */
    private static long[] axes(OnnxNode n) {
        if (n.opset >= 13) {
            if (n.attr("axes") != null) {
                throw n.error("attribute 'axes' is an input from opset 13 on");
            }
            return n.has(1) ? n.longs(1, "axes") : null;
        }
        return n.attrInts("axes");
    }

    private static List<Operand> unsqueeze(OnnxNode n) {
        long[] axes = axes(n);
        if (axes == null) {
            throw n.error("needs axes");
        }
        Operand x = n.in(0);
        int rank = x.type.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            inserted[n.axis(a, rank)] = true;
        }
        if (x.isSymbolic()) {
            if (rank != 1) {
                throw n.error("unsqueezing the symbolic shape " + x.dims + " to rank " + rank + " is not supported");
            }
            return List.of(Operand.ofDims(n.outName(), x.dims, false, x.type.dtype()));
        }
        List<Dim> out = new ArrayList<>();
        int k = 0;
        for (int i = 0; i < rank; i++) {
            out.add(inserted[i] ? Dim.of(1) : x.shape().dim(k++));
        }
        return n.result(n.b.reshape(n.value(0), new Shape(out)));
    }

    private static List<Operand> squeeze(OnnxNode n) {
        long[] axes = axes(n);
        Operand x = n.in(0);
        if (x.isSymbolic()) {
            if (x.dims.size() != 1) {
                throw n.error("squeezing the symbolic shape " + x.dims + " is not supported");
            }
            return List.of(Operand.ofDims(n.outName(), x.dims, true, x.type.dtype()));
        }
        int rank = x.type.rank();
        boolean[] removed = new boolean[rank];
        if (axes == null) {
            for (int i = 0; i < rank; i++) {
                removed[i] = x.shape().dim(i).isOne();
            }
        } else {
            for (long a : axes) {
                int ax = n.axis(a, rank);
                if (!x.shape().dim(ax).isOne()) {
                    throw n.error("axis " + a + " of " + x.type + " has size "
                            + x.shape().dim(ax) + ", expected 1");
                }
                removed[ax] = true;
            }
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (!removed[i]) {
                out.add(x.shape().dim(i));
            }
        }
        return n.result(n.b.reshape(n.value(0), new Shape(out)));
    }

    private static List<Operand> concat(OnnxNode n) {
        boolean symbolic = false;
        for (int i = 0; i < n.inputCount(); i++) {
            symbolic |= n.in(i).isSymbolic();
        }
        if (symbolic) {
            List<Dim> all = new ArrayList<>();
            for (int i = 0; i < n.inputCount(); i++) {
                all.addAll(n.dims(i, "a shape to concatenate"));
            }
            return List.of(Operand.ofDims(n.outName(), all, false, DType.I64));
        }
        int axis = n.axis(n.attrInt("axis", 0), n.type(0).rank());
        Value[] xs = new Value[n.inputCount()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = n.value(i);
        }
        return n.result(n.b.add(new Concat(axis), xs));
    }

    private static List<Operand> cast(OnnxNode n) {
        DType to = Tensors.dtype((int) n.attrInt("to", 0), "the 'to' attribute");
        Operand x = n.in(0);
        if (x.isSymbolic()) {
            if (!to.isInteger()) {
                throw n.error("casting the symbolic shape " + x.dims + " to " + to + " is not supported");
            }
            return List.of(Operand.ofDims(n.outName(), x.dims, x.type.rank() == 0, to));
        }
        Value v = n.value(0);
        return n.result(v.type().dtype() == to ? v : n.b.cast(v, to));
    }

    private static List<Operand> reshape(OnnxNode n) {
        Operand x = n.in(0);
        List<Dim> target = n.dims(1, "shape");
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        if (x.isSymbolic()) {
            if (target.size() > 1) {
                throw n.error(
                        "reshaping the symbolic shape " + x.dims + " to rank " + target.size() + " is not supported");
            }
            return List.of(Operand.ofDims(n.outName(), x.dims, target.isEmpty(), x.type.dtype()));
        }
        Shape in = x.shape();
        Shape s = new Shape(target(n, in, target, allowZero));
        if (!in.sameElementCount(s)) {
            throw n.error("cannot reshape " + x.type + " to " + s + ": element counts differ");
        }
        return n.result(s.equals(in) ? n.value(0) : n.b.reshape(n.value(0), s));
    }

    /** Reshape's target with 0 (copy the input's size, unless allowzero) and one -1 (inferred) resolved. */
    private static List<Dim> target(OnnxNode n, Shape in, List<Dim> target, boolean allowZero) {
        List<Dim> out = new ArrayList<>();
        int inferred = -1;
        for (int i = 0; i < target.size(); i++) {
            Dim d = target.get(i);
            long neg = OnnxNode.negative(d);
            if (neg == -1 && inferred < 0) {
                inferred = i;
                out.add(Dim.of(1));
            } else if (neg != 0) {
                throw n.error("shape entry " + i + " is " + neg + "; only one -1 is allowed");
            } else if (!allowZero && d.isStatic() && d.size() == 0) {
                if (i >= in.rank()) {
                    throw n.error("shape entry " + i + " is 0 (copy) but the input " + n.type(0) + " has no axis " + i);
                }
                out.add(in.dim(i));
            } else {
                out.add(d);
            }
        }
        if (inferred >= 0) {
            List<Dim> known = new ArrayList<>(out);
            known.remove(inferred);
            Dim q = SymbolicShapes.quotient(in, known);
            if (q == null) {
                throw n.error("cannot infer the -1 entry of shape " + describe(target) + " for input " + n.type(0)
                        + ": the IR has symbolic sizes only as single symbols, not products or quotients");
            }
            out.set(inferred, q);
        }
        return out;
    }

    private static String describe(List<Dim> dims) {
        return dims.stream()
                .map(d -> OnnxNode.negative(d) != 0 ? Long.toString(OnnxNode.negative(d)) : d.toString())
                .toList()
                .toString();
    }

    private static List<Operand> flatten(OnnxNode n) {
        Shape s = n.type(0).shape();
        // Flatten's axis may equal the rank (all axes outer); a negative one counts from the rank
        long a = n.attrInt("axis", 1);
        if (a < -s.rank() || a > s.rank()) {
            throw n.error("axis " + a + " is out of range for rank " + s.rank() + " (expected -" + s.rank() + " to "
                    + s.rank() + ")");
        }
        int axis = (int) (a < 0 ? a + s.rank() : a);
        Dim outer = SymbolicShapes.product(s.dims().subList(0, axis));
        Dim inner = SymbolicShapes.product(s.dims().subList(axis, s.rank()));
        if (outer == null || inner == null) {
            throw n.error("flattening " + n.type(0) + " at axis " + axis
                    + " needs a product of symbolic sizes, which the IR does not express");
        }
        return n.result(n.b.reshape(n.value(0), new Shape(List.of(outer, inner))));
    }

    private static List<Operand> transpose(OnnxNode n) {
        int rank = n.type(0).rank();
        long[] perm = n.attrInts("perm");
        Integer[] p = new Integer[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = perm == null ? rank - 1 - i : n.axis(perm[i], rank);
        }
        return n.result(n.b.permute(n.value(0), p));
    }

    /** Expand broadcasts both ways: the result has the broadcast of the operand's shape and the given one. */
    private static List<Operand> expand(OnnxNode n) {
        Shape target;
        try {
            target = Shape.broadcast(n.type(0).shape(), new Shape(n.dims(1, "shape")));
        } catch (IllegalArgumentException e) {
            throw n.error(e.getMessage());
        }
        Value x = n.value(0);
        return n.result(target.equals(x.type().shape()) ? x : n.b.broadcast(x, target));
    }

    private static List<Operand> constantOfShape(OnnxNode n) {
        Shape s = new Shape(n.dims(0, "shape"));
        NdArray fill = n.attr("value") == null ? NdArray.scalar(DType.F32, 0) : n.tensor(n.attr("value"));
        if (fill.size() != 1) {
            throw n.error("attribute 'value' must hold one element, found " + fill.size());
        }
        if (s.isStatic() && s.numel() <= Importer.FOLD_LIMIT) {
            NdArray a = NdArray.zeros(fill.dtype(), s.sizes());
            for (int i = 0; i < a.size(); i++) {
                a.set(i, fill.get(0));
            }
            return List.of(Operand.ofData(n.outName(), a));
        }
        Value v = n.b.scalar(fill.dtype(), fill.get(0));
        return n.result(n.b.broadcast(v, s));
    }

    /** Range of known bounds is folded; range(0, n, 1) with a symbolic n is an iota. */
    private static List<Operand> range(OnnxNode n) {
        if (n.in(1).isSymbolic()) {
            NdArray start = n.constant(0, "start");
            NdArray delta = n.constant(2, "delta");
            if (start.get(0) != 0 || delta.get(0) != 1) {
                throw n.error("a range up to the symbolic size " + n.in(1).dims
                        + " must start at 0 with step 1, found start " + start.get(0) + ", delta " + delta.get(0));
            }
            Dim len = n.in(1).dims.get(0);
            return n.result(n.b.add(new Iota(new TensorType(start.dtype(), new Shape(List.of(len))), 0)));
        }
        NdArray start = n.constant(0, "start");
        NdArray limit = n.constant(1, "limit");
        NdArray delta = n.constant(2, "delta");
        double s = start.get(0);
        double d = delta.get(0);
        if (d == 0) {
            throw n.error("delta is 0");
        }
        long count = Math.max(0, (long) Math.ceil((limit.get(0) - s) / d));
        NdArray a = NdArray.zeros(start.dtype(), count);
        for (int i = 0; i < count; i++) {
            a.set(i, s + i * d);
        }
        return List.of(Operand.ofData(n.outName(), a));
    }

    static Value slice(OnnxNode n, Value x, List<Slice.Range> ranges) {
        return ranges.isEmpty() ? x : n.b.add(new Slice(ranges), x);
    }
}
