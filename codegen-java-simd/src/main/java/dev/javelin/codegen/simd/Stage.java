package dev.javelin.codegen.simd;

import dev.javelin.ir.op.ReduceFn;
import java.util.List;

/** One loop nest (or library call) of a kernel, in the order the kernel runs them. */
sealed interface Stage {
    /** Stores {@code value} at {@code index} of {@code ref} for every point of the nest. */
    record Store(Ref ref, Affine index, Expr value) {}

    /** A loop nest over {@code loop} that evaluates and stores expressions elementwise. */
    record Pointwise(long[] loop, List<Store> stores) implements Stage {}

    /** One accumulation: {@code fn} of {@code value} over the reduced loops, stored per kept point. */
    record Accumulate(ReduceFn fn, Ref ref, Affine index, Expr value) {}

    /** A loop nest over a reduction's input: kept loops outside, {@code reduced} loops inside. */
    record Reduce(long[] loop, boolean[] reduced, List<Accumulate> accumulates) implements Stage {}

    /** Hand-written code for one heavy node (a library call or a special loop), with its comment. */
    record Code(String comment, String body) implements Stage {}
}
