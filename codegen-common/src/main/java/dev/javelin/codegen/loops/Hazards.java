package dev.javelin.codegen.loops;

import java.util.ArrayList;
import java.util.List;

/**
 * When two stores may share a loop. A loop loads every value of an iteration before it stores any,
 * so a value may read the old contents of the very element the same iteration overwrites (the
 * in-place reuse the memory planner allows), but nothing the kernel itself produces in that loop,
 * and no other element of a store's target. Any such overlap forces a new stage.
 */
public final class Hazards {
    private Hazards() {}

    /** Whether {@code value} reads elements of {@code s}'s target other than the one it writes this iteration. */
    public static boolean conflicts(Expr value, Stage.Store s, long[] loop) {
        for (Expr.Load l : loads(value)) {
            if (l.ref().array().equals(s.ref().array())
                    && (l.ref().produced() || !l.index().equals(s.index()))
                    && overlap(l.index(), s.index(), loop)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code value} reads any element of the range {@code index} spans over the loop. */
    public static boolean reads(Expr value, Ref ref, Affine index, long[] loop) {
        for (Expr.Load l : loads(value)) {
            if (l.ref().array().equals(ref.array()) && overlap(l.index(), index, loop)) {
                return true;
            }
        }
        return false;
    }

    public static List<Expr.Load> loads(Expr e) {
        List<Expr.Load> out = new ArrayList<>();
        List<Expr> todo = new ArrayList<>(List.of(e));
        java.util.Set<Expr> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Expr x = todo.removeLast();
            if (!seen.add(x)) {
                continue;
            }
            if (x instanceof Expr.Load l) {
                out.add(l);
            }
            todo.addAll(x.operands());
        }
        return out;
    }

    private static boolean overlap(Affine a, Affine b, long[] loop) {
        long[] ra = range(a, loop);
        long[] rb = range(b, loop);
        return ra[0] <= rb[1] && rb[0] <= ra[1];
    }

    private static long[] range(Affine a, long[] loop) {
        long lo = a.c;
        long hi = a.c;
        for (int j = 0; j < loop.length && j < a.rank(); j++) {
            long span = a.coef(j) * Math.max(0, loop[j] - 1);
            lo += Math.min(0, span);
            hi += Math.max(0, span);
        }
        return new long[] {lo, hi};
    }
}
