package dev.javelin.ir.kernel;

import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The verifier of a lowered kernel, run on every kernel as it is lowered (so every compile and
 * every fuzzed graph checks it). Over its loop stages ({@link Stage.Pointwise}, {@link
 * Stage.Reduce}; a backend's custom stage is opaque) it checks:
 *
 * <ul>
 *   <li>shapes: every index is an affine function of exactly the nest's loop variables, a
 *       reduction marks each loop reduced or kept;
 *   <li>bounds: every access of the program memory, over the whole nest, lies inside one buffer the
 *       kernel may touch — loads inside a buffer it reads or writes or its own scratch, stores
 *       inside a buffer it writes or its scratch;
 *   <li>types: a store or accumulation stores its reference's dtype; a comparison compares two
 *       values of one dtype into a bool; other binary ops and a select's branches share the
 *       result's dtype, and a select's condition is a bool.
 * </ul>
 *
 * A failure is a compiler bug; the message names the kernel, the stage and the access.
 */
public final class KernelCheck {
    private final Kernel kernel;
    private final List<long[]> loadable = new ArrayList<>();
    private final List<long[]> storable = new ArrayList<>();
    private final Set<Expr> checked = new HashSet<>();
    private int stage;

    private KernelCheck(Kernel kernel, MemoryLayout memory) {
        this.kernel = kernel;
        for (String w : kernel.writes()) {
            storable.add(memory.region(w));
        }
        storable.addAll(memory.kernelScratch());
        loadable.addAll(storable);
        for (String r : kernel.reads()) {
            loadable.add(memory.region(r));
        }
    }

    /** Checks {@code stages}, just lowered for {@code kernel} over {@code memory}. */
    public static void verify(Kernel kernel, List<Stage> stages, MemoryLayout memory) {
        KernelCheck c = new KernelCheck(kernel, memory);
        for (int s = 0; s < stages.size(); s++) {
            c.stage = s;
            switch (stages.get(s)) {
                case Stage.Pointwise p -> {
                    for (Stage.Store st : p.stores()) {
                        c.store(st.ref(), st.index(), st.value(), p.loop());
                    }
                }
                case Stage.Reduce r -> {
                    if (r.reduced().length != r.loop().length) {
                        throw c.fail("marks " + r.reduced().length + " loops reduced or kept, but its nest has "
                                + r.loop().length);
                    }
                    for (Stage.Accumulate a : r.accumulates()) {
                        c.store(a.ref(), a.index(), a.value(), r.loop());
                    }
                }
                case Stage.Custom custom -> {}
            }
        }
    }

    private void store(Ref ref, Affine index, Expr value, long[] loop) {
        String what = "stores " + KernelText.access(ref, index);
        access(ref, index, loop, storable, what, "a buffer it writes or its scratch");
        if (value.dtype() != ref.dtype()) {
            throw fail(what + " a value of type " + value.dtype().text());
        }
        expr(value, loop);
    }

    private void expr(Expr e, long[] loop) {
        if (!checked.add(e)) {
            return;
        }
        switch (e) {
            case Expr.Load l ->
                access(
                        l.ref(),
                        l.index(),
                        loop,
                        loadable,
                        "loads " + KernelText.access(l.ref(), l.index()),
                        "a buffer it reads or writes or its scratch");
            case Expr.Binary b -> {
                boolean compare = b.fn().isComparison();
                boolean ok = b.a().dtype() == b.b().dtype()
                        && (compare ? b.dtype() == DType.BOOL : b.dtype() == b.a().dtype() || b.fn() == BinaryFn.POW);
                if (!ok) {
                    throw fail(
                            "computes " + b.fn().text() + " of " + b.a().dtype().text() + " and "
                                    + b.b().dtype().text() + " as " + b.dtype().text());
                }
            }
            case Expr.Select s -> {
                if (s.cond().dtype() != DType.BOOL || s.a().dtype() != s.dtype() || s.b().dtype() != s.dtype()) {
                    throw fail("selects between " + s.a().dtype().text() + " and "
                            + s.b().dtype().text() + " on a " + s.cond().dtype().text() + " into "
                            + s.dtype().text());
                }
            }
            default -> {}
        }
        if (e instanceof Expr.Iota i) {
            rank(i.value(), loop, "an iota");
        }
        e.operands().forEach(o -> expr(o, loop));
    }

    private void access(Ref ref, Affine index, long[] loop, List<long[]> allowed, String what, String where) {
        rank(index, loop, what);
        if (ref.kind() != Ref.Kind.MEMORY || java.util.Arrays.stream(loop).anyMatch(d -> d == 0)) {
            return; // arrays of the generated code (constants) are not in the memory block
        }
        long lo = index.constant();
        long hi = index.constant();
        for (int j = 0; j < loop.length; j++) {
            long span = index.coef(j) * (loop[j] - 1);
            lo += Math.min(0, span);
            hi += Math.max(0, span);
        }
        int size = MemoryLayout.elementBytes(ref.dtype());
        long from = lo * size;
        long to = (hi + 1) * size;
        for (long[] r : allowed) {
            if (r[0] <= from && to <= r[1]) {
                return;
            }
        }
        throw fail(what + " over the nest " + java.util.Arrays.toString(loop) + ": bytes [" + from + ", " + to
                + ") are not inside " + where);
    }

    private void rank(Affine index, long[] loop, String what) {
        if (index.rank() != loop.length) {
            throw fail(what + ": an index over " + index.rank() + " loop variables in a nest of " + loop.length);
        }
    }

    private IllegalStateException fail(String message) {
        return new IllegalStateException("kernel IR of " + kernel.name() + ", stage " + stage + ": " + message);
    }
}
