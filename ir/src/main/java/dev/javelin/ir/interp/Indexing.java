package dev.javelin.ir.interp;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.random.Philox;
import dev.javelin.ir.value.NdArray;

/** Gather, scatter-add, iota and the counter-based random ops. */
final class Indexing {
    private Indexing() {}

    /**
     * NumPy's {@code take}: viewing the table as {@code [outer, size, inner]} around the axis and the
     * result as {@code [outer, count, inner]} (count = number of indices), {@code out[o, j, i] =
     * table[o, indices[j], i]}. An index outside {@code [0, size)} is an error: negative indices do not
     * count from the end.
     */
    static NdArray gather(Node node, Gather g, NdArray table, NdArray indices, NdArray out) {
        long[] ts = table.shape();
        int outer = Index.product(ts, 0, g.axis());
        int size = (int) ts[g.axis()];
        int inner = Index.product(ts, g.axis() + 1, ts.length);
        int count = indices.size();
        checkIndices(node, indices, size);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                int k = (int) indices.getLong(j);
                for (int i = 0; i < inner; i++) {
                    Index.copy(table, (o * size + k) * inner + i, out, (o * count + j) * inner + i);
                }
            }
        }
        return out;
    }

    /**
     * A copy of base with {@code out[o, indices[j], i] += updates[o, j, i]} (the layout of {@link
     * #gather}), applied in C order of the updates, so repeated indices accumulate. Indices out of
     * range are an error, as for gather.
     */
    static NdArray scatterAdd(Node node, ScatterAdd s, NdArray base, NdArray indices, NdArray updates, NdArray out) {
        for (int i = 0; i < base.size(); i++) {
            Index.copy(base, i, out, i);
        }
        long[] bs = base.shape();
        int outer = Index.product(bs, 0, s.axis());
        int size = (int) bs[s.axis()];
        int inner = Index.product(bs, s.axis() + 1, bs.length);
        int count = indices.size();
        checkIndices(node, indices, size);
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                int k = (int) indices.getLong(j);
                for (int i = 0; i < inner; i++) {
                    int to = (o * size + k) * inner + i;
                    int from = (o * count + j) * inner + i;
                    if (out.dtype().isInteger()) {
                        out.setLong(to, out.getLong(to) + updates.getLong(from));
                    } else {
                        out.set(to, out.get(to) + updates.get(from));
                    }
                }
            }
        }
        return out;
    }

    /** Checks every index up front, even where the table has no elements to take, so errors never hide. */
    private static void checkIndices(Node node, NdArray indices, int size) {
        for (int j = 0; j < indices.size(); j++) {
            long k = indices.getLong(j);
            if (k < 0 || k >= size) {
                throw InterpreterException.at(
                        node,
                        "index " + k + " at position "
                                + Index.text(Index.unravel(j, indices.shape())) + " of the indices " + indices.type()
                                + " is out of range [0, " + size + ")");
            }
        }
    }

    /** Every element is its own index along the axis. */
    static NdArray iota(Iota iota, NdArray out) {
        long[] shape = out.shape();
        long[] idx = new long[shape.length];
        for (int i = 0; i < out.size(); i++) {
            Index.unravel(i, shape, idx);
            out.setLong(i, idx[iota.axis()]);
        }
        return out;
    }

    /** Element i (C order) is Philox's recipe for (seed, offset, i): the same numbers on every backend. */
    static NdArray random(RandomOp r, long offset, NdArray out) {
        for (int i = 0; i < out.size(); i++) {
            out.set(
                    i,
                    switch (r.distribution()) {
                        case UNIFORM -> Philox.uniform(r.seed(), offset, i);
                        case NORMAL -> Philox.normal(r.seed(), offset, i);
                    });
        }
        return out;
    }
}
