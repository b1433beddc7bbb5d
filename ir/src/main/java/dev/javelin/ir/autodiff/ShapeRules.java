package dev.javelin.ir.autodiff;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Gradient rules of reductions, movement and indexing: each moves the gradient back where the value came from. */
final class ShapeRules {
    private ShapeRules() {}

    /**
     * Sum: every element of the operand gets its result element's gradient, broadcast back over the
     * reduced axes. Max and min: the gradient goes to the elements equal to the result; when several
     * tie, they share it equally (as torch.amax and jax's reduce_max do), so the shares add up to g.
     */
    static void reduce(Backward c, Reduce r) {
        Emit e = c.e();
        Value x = c.x(0);
        Shape xs = x.type().shape();
        Value gKept = e.keepDims(c.grad(), r.axes(), xs);
        switch (r.fn()) {
            case SUM -> c.give(0, () -> e.broadcast(gKept, xs));
            case MAX, MIN ->
                c.give(0, () -> {
                    Value hit = e.binary(BinaryFn.EQ, x, e.keepDims(c.out(), r.axes(), xs));
                    Value mask = e.cast(hit, x.type().dtype());
                    Value ties = e.reduceSum(mask, r.axes(), true);
                    return e.mul(mask, e.div(gKept, ties));
                });
        }
    }

    /** The inverse permutation puts every axis back. */
    static void permute(Backward c, Permute p) {
        Integer[] inverse = new Integer[p.perm().size()];
        for (int i = 0; i < inverse.length; i++) {
            inverse[p.perm().get(i)] = i;
        }
        c.give(0, () -> c.e().op(new Permute(List.of(inverse)), c.grad()));
    }

    /**
     * Step-1 ranges: one {@code pad} with zeros puts the gradient back in place. A range with step
     * > 1 interleaves the elements with gaps, which a pad cannot express: the gradient is scattered
     * into zeros at the constant indices {@code start + step*k}, one such axis at a time.
     */
    static void slice(Backward c, Slice s) {
        c.give(0, () -> {
            Emit e = c.e();
            Shape xs = c.x(0).type().shape();
            int rank = xs.rank();
            List<Long> low = new ArrayList<>(Collections.nCopies(rank, 0L));
            List<Long> high = new ArrayList<>(Collections.nCopies(rank, 0L));
            boolean padded = false;
            for (Slice.Range r : s.ranges()) {
                if (r.step() == 1
                        && (r.start() > 0 || r.stop() < xs.dim(r.axis()).size())) {
                    low.set(r.axis(), r.start());
                    high.set(r.axis(), xs.dim(r.axis()).size() - r.stop());
                    padded = true;
                }
            }
            Value g = padded ? e.op(new Pad(low, high, 0), c.grad()) : c.grad();
            for (Slice.Range r : s.ranges()) {
                if (r.step() > 1) {
                    g = scatterStrided(e, g, r, xs.dim(r.axis()).size());
                }
            }
            return g;
        });
    }

    private static Value scatterStrided(Emit e, Value g, Slice.Range r, long size) {
        TensorType t = g.type();
        Value base = e.zeros(t.withShape(t.shape().with(r.axis(), Dim.of(size))));
        double[] positions = new double[Math.toIntExact(r.length())];
        for (int k = 0; k < positions.length; k++) {
            positions[k] = r.start() + r.step() * k;
        }
        Value indices = e.constant(TensorType.of(DType.I64, positions.length), positions);
        return e.op(new ScatterAdd(r.axis()), base, indices, g);
    }

    /** The padding's gradient is dropped; the slice of the original extent is the operand's. */
    static void pad(Backward c, Pad p) {
        c.give(0, () -> {
            Shape xs = c.x(0).type().shape();
            List<Slice.Range> ranges = new ArrayList<>();
            for (int i = 0; i < xs.rank(); i++) {
                long lo = p.low().get(i);
                if (lo > 0 || p.high().get(i) > 0) {
                    ranges.add(new Slice.Range(i, lo, lo + xs.dim(i).size(), 1));
                }
            }
            return ranges.isEmpty() ? c.grad() : c.e().op(new Slice(ranges), c.grad());
        });
    }

    /** Each operand gets the slice of the gradient at its place along the axis. */
    static void concat(Backward c, Concat k) {
        long total = c.grad().type().shape().dim(k.axis()).size();
        long offset = 0;
        for (int i = 0; i < c.node().inputs().size(); i++) {
            long start = offset;
            long size = c.x(i).type().shape().dim(k.axis()).size();
            offset += size;
            c.give(
                    i,
                    () -> size == total
                            ? c.grad()
                            : c.e().op(
                                            new Slice(List.of(new Slice.Range(k.axis(), start, start + size, 1))),
                                            c.grad()));
        }
    }

    /** Each gathered row's gradient is added back at its index; repeated indices accumulate. */
    static void gather(Backward c, Gather g) {
        c.give(0, () -> {
            Emit e = c.e();
            Value table = c.x(0);
            return e.op(new ScatterAdd(g.axis()), e.zeros(table.type()), c.x(1), c.grad());
        });
    }

    /** The base passes its gradient through; each update gets the gradient at the position it was added to. */
    static void scatterAdd(Backward c, ScatterAdd s) {
        c.give(0, c::grad);
        c.give(2, () -> c.e().op(new Gather(s.axis()), c.grad(), c.x(1)));
    }
}
