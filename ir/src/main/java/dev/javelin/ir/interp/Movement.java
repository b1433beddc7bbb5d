package dev.javelin.ir.interp;

import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.value.NdArray;
import java.util.List;

/**
 * Movement primitives: each result element is a copy of one operand element (or the pad value), so
 * each op is a map from result multi-index to operand multi-index. Elements copy exactly, i64 too.
 */
final class Movement {
    private Movement() {}

    /** The same elements in C order. */
    static NdArray reshape(NdArray x, NdArray out) {
        for (int i = 0; i < out.size(); i++) {
            Index.copy(x, i, out, i);
        }
        return out;
    }

    /** Result axis d is operand axis perm[d]. */
    static NdArray permute(Permute p, NdArray x, NdArray out) {
        long[] shape = out.shape();
        long[] idx = new long[shape.length];
        long[] xStrides = x.strides();
        for (int i = 0; i < out.size(); i++) {
            Index.unravel(i, shape, idx);
            long from = 0;
            for (int d = 0; d < idx.length; d++) {
                from += idx[d] * xStrides[p.perm().get(d)];
            }
            Index.copy(x, (int) from, out, i);
        }
        return out;
    }

    static NdArray broadcast(NdArray x, NdArray out) {
        long[] shape = out.shape();
        long[] idx = new long[shape.length];
        for (int i = 0; i < out.size(); i++) {
            Index.unravel(i, shape, idx);
            Index.copy(x, Index.broadcastFlat(idx, x.shape()), out, i);
        }
        return out;
    }

    /** On a sliced axis, result index k reads operand index start + k * step. */
    static NdArray slice(Slice s, NdArray x, NdArray out) {
        long[] shape = out.shape();
        long[] idx = new long[shape.length];
        long[] xStrides = x.strides();
        for (int i = 0; i < out.size(); i++) {
            Index.unravel(i, shape, idx);
            for (Slice.Range r : s.ranges()) {
                idx[r.axis()] = r.start() + idx[r.axis()] * r.step();
            }
            long from = 0;
            for (int d = 0; d < idx.length; d++) {
                from += idx[d] * xStrides[d];
            }
            Index.copy(x, (int) from, out, i);
        }
        return out;
    }

    /**
     * Fills with the pad value, then copies the operand in at offset {@code low}. The value is a
     * double: an integer result gets it truncated toward zero, a bool result gets {@code value != 0}.
     */
    static NdArray pad(Pad p, NdArray x, NdArray out) {
        for (int i = 0; i < out.size(); i++) {
            out.set(i, p.value());
        }
        long[] shape = x.shape();
        long[] idx = new long[shape.length];
        long[] outStrides = out.strides();
        for (int i = 0; i < x.size(); i++) {
            Index.unravel(i, shape, idx);
            long to = 0;
            for (int d = 0; d < idx.length; d++) {
                to += (idx[d] + p.low().get(d)) * outStrides[d];
            }
            Index.copy(x, i, out, (int) to);
        }
        return out;
    }

    /** Operand k lands at an offset along the axis equal to the sizes of the operands before it. */
    static NdArray concat(Concat c, List<NdArray> xs, NdArray out) {
        long[] outStrides = out.strides();
        long offset = 0;
        for (NdArray x : xs) {
            long[] shape = x.shape();
            long[] idx = new long[shape.length];
            for (int i = 0; i < x.size(); i++) {
                Index.unravel(i, shape, idx);
                idx[c.axis()] += offset;
                long to = 0;
                for (int d = 0; d < idx.length; d++) {
                    to += idx[d] * outStrides[d];
                }
                Index.copy(x, i, out, (int) to);
            }
            offset += shape[c.axis()];
        }
        return out;
    }
}
