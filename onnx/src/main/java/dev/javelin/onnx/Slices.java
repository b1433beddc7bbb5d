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

    static List<Operand> slice(OnnxNode n) {
        List<Dim> starts;
        List<Dim> ends;
        long[] axes;
        long[] steps = null;
        if (n.opset < 10) {
            starts = dims(n.attrInts("starts"));
            ends = dims(n.attrInts("ends"));
            axes = n.attrInts("axes");
        } else {
            if (n.attr("starts") != null || n.attr("ends") != null || n.attr("axes") != null) {
                throw n.error("attributes 'starts', 'ends' and 'axes' are inputs from opset 10 on");
            }
            starts = n.dims(1, "starts");
            ends = n.dims(2, "ends");
            axes = n.has(3) ? n.longs(3, "axes") : null;
            steps = n.has(4) ? n.longs(4, "steps") : null;
        }
        if (starts == null || ends == null || starts.size() != ends.size()) {
            throw n.error("needs as many starts as ends, found " + starts + " and " + ends);
        }
        Operand x = n.in(0);
        int rank = x.type.rank();
        if (x.isSymbolic()) {
            return List.of(symbolic(n, x, starts, ends, steps));
        }
        Value v = n.value(0);
        List<Slice.Range> ranges = new ArrayList<>();
        boolean[] seen = new boolean[rank];
        List<int[]> gathers = new ArrayList<>();
        List<Object> gatherIndices = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int axis = n.axis(axes == null ? i : axes[i], rank);
            if (seen[axis]) {
                throw n.error("axis " + axis + " is sliced twice");
            }
            seen[axis] = true;
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw n.error("step 0 on axis " + axis);
            }
            Object how = plan(n, x.shape().dim(axis), axis, starts.get(i), ends.get(i), step);
            if (how instanceof Slice.Range r) {
                ranges.add(r);
            } else if (how != null) {
                gathers.add(new int[] {axis});
                gatherIndices.add(how);
            }
        }
        ranges.sort((a, b) -> Integer.compare(a.axis(), b.axis()));
        v = ShapeOps.slice(n, v, ranges);
        for (int k = 0; k < gathers.size(); k++) {
            int axis = gathers.get(k)[0];
            Value idx = gatherIndices.get(k) instanceof long[] c
                    ? n.b.constant(TensorType.of(DType.I64, c.length), toDoubles(c))
                    : n.b.add(new Iota(new TensorType(DType.I64, new Shape(List.of((Dim) gatherIndices.get(k)))), 0));
            v = n.b.add(new Gather(axis), v, idx);
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
