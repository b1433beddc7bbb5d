package dev.javelin.ir.kernel;

import dev.javelin.ir.op.ReduceFn;
import java.util.List;

/** One loop nest (or library call) of a kernel, in the order the kernel runs them. */
public sealed interface Stage {
    /** Stores {@code value} at {@code index} of {@code ref} for every point of the nest. */
    public record Store(Ref ref, Affine index, Expr value) {}

    /** A loop nest over {@code loop} that evaluates and stores expressions elementwise. */
    public record Pointwise(long[] loop, List<Store> stores) implements Stage {}

    /** One accumulation: {@code fn} of {@code value} over the reduced loops, stored per kept point. */
    public record Accumulate(ReduceFn fn, Ref ref, Affine index, Expr value) {}

    /** A loop nest over a reduction's input: kept loops outside, {@code reduced} loops inside. */
    public record Reduce(long[] loop, boolean[] reduced, List<Accumulate> accumulates) implements Stage {}

    /** A backend's own code for one heavy node (a library call or a template), made by the backend as it lowers the kernel. */
    non-sealed interface Custom extends Stage {
        /** What it computes, for people: the node it implements and how. */
        String comment();
    }
}
