package dev.javelin.codegen.loops;

import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Place;

/**
 * What a kernel knows about a body node while building stages: a stored tensor ({@link Placed}),
 * or an element expression computed on demand at any multi-index ({@link Lazy}: pointwise ops,
 * iota, splat constants, and views of them).
 */
public sealed interface Val {
    public long[] shape();

    /**
     * The element expression at a multi-index given as affine functions of the variables of a nest of
     * {@code rank} loops.
     */
    public Expr at(Affine[] idx, int rank);

    /** How a lazy value computes an element. */
    @FunctionalInterface
    public interface At {
        Expr at(Affine[] idx, int rank);
    }

    public record Placed(Place place) implements Val {
        @Override
        public long[] shape() {
            return place.shape();
        }

        @Override
        public Expr at(Affine[] idx, int rank) {
            return place.at(idx, rank);
        }
    }

    public record Lazy(long[] shape, At fn) implements Val {
        @Override
        public Expr at(Affine[] idx, int rank) {
            return fn.at(idx, rank);
        }
    }

    /** The identity multi-index of a loop nest of {@code rank} loops. */
    public static Affine[] identity(int rank) {
        Affine[] idx = new Affine[rank];
        for (int d = 0; d < rank; d++) {
            idx[d] = Affine.variable(d, rank);
        }
        return idx;
    }

    /** {@code idx} over a result shape mapped to an operand broadcast into it (NumPy rules, right-aligned). */
    public static Affine[] broadcastIndex(Affine[] idx, long[] operand, int rank) {
        Affine[] in = new Affine[operand.length];
        int lead = idx.length - operand.length;
        for (int d = 0; d < operand.length; d++) {
            in[d] = operand[d] == 1 ? Affine.constant(0, rank) : idx[lead + d];
        }
        return in;
    }
}
