package dev.javelin.onnx;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ONNX Slice. Static bounds on a static axis are an IR slice (a negative step a gather of constant
 * indices); a slice {@code [0, n)} with a symbolic {@code n}, such as BERT's position ids cut to the
 * sequence length, is a gather of {@code iota(n)}; static bounds on a symbolic axis are a gather of
 * constant indices (checked against the size at run time).
 */
final class Slices {
    private Slices() {}

    /** Bounds at or past this mean "to the end" (exporters write INT64_MAX or INT32_MAX). */
    private static final long TO_END = Integer.MAX_VALUE;

    /** Slice's operands: bounds as sizes (negative ones as markers), axes and steps (null: defaults). */
    private record Bounds(List<Dim> starts, List<Dim> ends, long[] axes, long[] steps) {}

    /** The bounds: attributes before opset 10, inputs from 10 on. */
    private static Bounds bounds(OnnxNode n) {
        Bounds b;
        if (n.opset < 10) {
            b = new Bounds(dims(n.attrInts("starts")), dims(n.attrInts("ends")), n.attrInts("axes"), null);
        } else {
            if (n.attr("starts") != null || n.attr("ends") != null || n.attr("axes") != null) {
                throw n.error("attributes 'starts', 'ends' and 'axes' are inputs from opset 10 on");
            }
            b = new Bounds(
                    n.dims(1, "starts"),
                    n.dims(2, "ends"),
                    n.has(3) ? n.longs(3, "axes") : null,
                    n.has(4) ? n.longs(4, "steps") : null);
        }
        if (b.starts() == null
                || b.ends() == null
                || b.starts().size() != b.ends().size()) {
            throw n.error("needs as many starts as ends, found " + b.starts() + " and " + b.ends());
        }
        return b;
    }

    static List<Operand> slice(OnnxNode n) {
        Bounds bounds = bounds(n);
        Operand x = n.in(0);
        int rank = x.type.rank();
        if (x.isSymbolic()) {
            return List.of(symbolic(n, x, bounds.starts(), bounds.ends(), bounds.steps()));
        }
        List<Slice.Range> ranges = new ArrayList<>();
        Map<Integer, Object> gathers = new TreeMap<>();
        for (int i = 0; i < bounds.starts().size(); i++) {
            int axis = n.axis(bounds.axes() == null ? i : bounds.axes()[i], rank);
            long step = bounds.steps() == null ? 1 : bounds.steps()[i];
            if (ranges.stream().anyMatch(r -> r.axis() == axis) || gathers.containsKey(axis)) {
                throw n.error("axis " + axis + " is sliced twice");
            }
            if (step == 0) {
                throw n.error("step 0 on axis " + axis);
            }
            Object how = plan(
                    n,
                    x.shape().dim(axis),
                    axis,
                    bounds.starts().get(i),
                    bounds.ends().get(i),
                    step);
            if (how instanceof Slice.Range r) {
                ranges.add(r);
            } else if (how != null) {
                gathers.put(axis, how);
            }
        }
        ranges.sort((a, b) -> Integer.compare(a.axis(), b.axis()));
        Value v = ShapeOps.slice(n, n.value(0), ranges);
        for (var g : gathers.entrySet()) {
            Value idx = g.getValue() instanceof long[] c
                    ? n.b.constant(TensorType.of(DType.I64, c.length), toDoubles(c))
                    : n.b.add(new Iota(new TensorType(DType.I64, new Shape(List.of((Dim) g.getValue()))), 0));
            v = n.b.add(new Gather(g.getKey()), v, idx);
        }
        return n.result(v);
    }

    /**
     * How one axis is cut: a {@link Slice.Range}, the constant indices to gather ({@code long[]}),
     * a symbolic length to gather an iota of ({@link Dim}), or null for the whole axis.
     */
    private static Object plan(OnnxNode n, Dim d, int axis, Dim startDim, Dim endDim, long step) {
        Long start = value(startDim);
        Long end = value(endDim);
        if (start != null && start == 0 && step == 1 && (end != null && end >= TO_END || endDim.equals(d))) {
            return null;
        }
        if (d.isStatic() && start != null && end != null) {
            long size = d.size();
            if (step > 0) {
                long s = clamp(start < 0 ? start + size : start, 0, size);
                long e = clamp(end < 0 ? end + size : end, 0, size);
                return new Slice.Range(axis, s, Math.max(s, e), step);
            }
            long s = clamp(start < 0 ? start + size : start, -1, size - 1);
            long e = clamp(end < 0 ? end + size : end, -1, size - 1);
            List<Long> idx = new ArrayList<>();
            for (long i = s; i > e; i += step) {
                idx.add(i);
            }
            return idx.stream().mapToLong(Long::longValue).toArray();
        }
        if (start != null && start == 0 && step == 1 && end == null) {
            return endDim;
        }
        if (start != null && end != null && start >= 0 && end >= start && end < TO_END && step > 0) {
            List<Long> idx = new ArrayList<>();
            for (long i = start; i < end; i += step) {
                idx.add(i);
            }
            return idx.stream().mapToLong(Long::longValue).toArray();
        }
        throw n.error("slice " + show(startDim) + ":" + show(endDim) + ":" + step + " of axis " + axis + " (size "
                + d + ") is not supported; on a symbolic axis only non-negative static bounds, or 0:n with"
                + " a symbolic n, are");
    }

    private static Operand symbolic(OnnxNode n, Operand x, List<Dim> starts, List<Dim> ends, long[] steps) {
        int size = x.dims.size();
        Long start = value(starts.get(0));
        Long end = value(ends.get(0));
        long step = steps == null ? 1 : steps[0];
        if (starts.size() != 1 || start == null || end == null || step != 1) {
            throw n.error("slicing the symbolic shape " + x.dims + " needs one static range with step 1");
        }
        int s = (int) clamp(start < 0 ? start + size : start, 0, size);
        int e = (int) clamp(end < 0 ? end + size : end, 0, size);
        return Operand.ofDims(n.outName(), x.dims.subList(s, Math.max(s, e)), false, x.type.dtype());
    }

    /** A static entry as a number (negative ones from their markers), or null for a symbolic one. */
    private static Long value(Dim d) {
        long neg = OnnxNode.negative(d);
        if (neg != 0) {
            return neg;
        }
        return d.isStatic() ? d.size() : null;
    }

    private static String show(Dim d) {
        Long v = value(d);
        return v == null ? d.toString() : v.toString();
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static List<Dim> dims(long[] v) {
        if (v == null) {
            return null;
        }
        List<Dim> out = new ArrayList<>();
        for (long x : v) {
            out.add(OnnxNode.entry(x));
        }
        return out;
    }

    private static double[] toDoubles(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
