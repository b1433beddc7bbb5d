package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Hazards;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.Ref;
import dev.javelin.ir.kernel.Stage;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes accesses reach, for deciding which stages may share a launch. Every program-memory
 * view ({@code mf}, {@code ml}, ...) is the same block at another element size, so accesses are
 * compared in bytes of one memory; a scratch or constant array is a memory of its own.
 */
final class Spans {
    private Spans() {}

    /** Bytes {@code first .. last} of {@code memory} (the block is {@code ""}). */
    record Span(String memory, long first, long last) {
        boolean overlaps(Span o) {
            return memory.equals(o.memory) && first <= o.last && o.first <= last;
        }
    }

    /** One load or store of a stage, as written (its index over the stage's loop). */
    record Access(Ref ref, Affine index, boolean store) {}

    static String memory(Ref r) {
        return r.kind() == Ref.Kind.MEMORY ? "" : r.array();
    }

    /** What an access at {@code index} reaches over {@code loop}. */
    static Span of(Ref ref, Affine index, long[] loop) {
        long lo = index.constant();
        long hi = lo;
        for (int j = 0; j < loop.length && j < index.rank(); j++) {
            long reach = index.coef(j) * Math.max(0, loop[j] - 1);
            lo += Math.min(0, reach);
            hi += Math.max(0, reach);
        }
        int size = CudaTypes.size(ref.dtype());
        return new Span(memory(ref), lo * size, hi * size + size - 1);
    }

    /** Every element of a strided view. */
    static Span of(Place p) {
        Affine index = p.index(identity(p.shape().length), p.shape().length);
        return of(p.ref(), index, p.shape());
    }

    private static Affine[] identity(int rank) {
        Affine[] idx = new Affine[rank];
        for (int d = 0; d < rank; d++) {
            idx[d] = Affine.variable(d, rank);
        }
        return idx;
    }

    /** The loads and stores of a loop stage (a reduction's accumulations are its stores). */
    static List<Access> accesses(Stage st) {
        List<Access> out = new ArrayList<>();
        switch (st) {
            case Stage.Pointwise p -> {
                for (Stage.Store s : p.stores()) {
                    loads(s.value(), out);
                    out.add(new Access(s.ref(), s.index(), true));
                }
            }
            case Stage.Reduce r -> {
                for (Stage.Accumulate a : r.accumulates()) {
                    loads(a.value(), out);
                    out.add(new Access(a.ref(), a.index(), true));
                }
            }
            case Stage.Custom c -> throw new IllegalArgumentException("not a loop stage: " + c);
        }
        return out;
    }

    private static void loads(Expr value, List<Access> out) {
        for (Expr.Load l : Hazards.loads(value)) {
            out.add(new Access(l.ref(), l.index(), false));
        }
    }

    static long[] loop(Stage st) {
        return switch (st) {
            case Stage.Pointwise p -> p.loop();
            case Stage.Reduce r -> r.loop();
            case Stage.Custom c -> throw new IllegalArgumentException("not a loop stage: " + c);
        };
    }
}
