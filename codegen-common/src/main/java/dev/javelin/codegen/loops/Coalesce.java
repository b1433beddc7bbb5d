package dev.javelin.codegen.loops;

import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges adjacent loops that every index walks as one (TensorIterator's coalescing): loops {@code
 * j} and {@code j+1} merge when each affine index has {@code coef[j] == coef[j+1] * size[j+1]}.
 * Loops of size 1 drop out. A dense pointwise kernel over any shape becomes one flat loop, which
 * the printer vectorizes.
 */
public final class Coalesce {
    /** The merged nest: sizes, and for each merged loop the old loop whose coefficient it keeps. */
    public record Nest(long[] sizes, int[] keep) {}

    private Coalesce() {}

    /** Every affine index and iota value in the expressions, plus the extra ones given. */
    public static Set<Affine> affines(List<Expr> exprs, List<Affine> extra) {
        Set<Affine> out = new LinkedHashSet<>(extra);
        List<Expr> todo = new ArrayList<>(exprs);
        Set<Expr> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Expr e = todo.removeLast();
            if (!seen.add(e)) {
                continue;
            }
            switch (e) {
                case Expr.Load l -> out.add(l.index());
                case Expr.Iota i -> out.add(i.value());
                case Expr.Random r -> {
                    out.add(r.index());
                    todo.addAll(e.operands());
                }
                default -> todo.addAll(e.operands());
            }
        }
        return out;
    }

    /**
     * Coalesces loops {@code from .. to-1} of {@code sizes} among themselves (a reduction coalesces
     * its kept and its reduced loops separately).
     */
    public static Nest nest(
            long[] sizes, int from, int to, Set<Affine> affines, List<Long> outSizes, List<Integer> outKeep) {
        int last = -1;
        for (int j = from; j < to; j++) {
            if (sizes[j] == 1) {
                continue;
            }
            if (last >= 0 && mergeable(last, j, sizes, affines)) {
                int i = outSizes.size() - 1;
                outSizes.set(i, outSizes.get(i) * sizes[j]);
                outKeep.set(i, j);
            } else {
                outSizes.add(sizes[j]);
                outKeep.add(j);
            }
            last = j;
        }
        return new Nest(
                outSizes.stream().mapToLong(Long::longValue).toArray(),
                outKeep.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean mergeable(int outer, int inner, long[] sizes, Set<Affine> affines) {
        for (Affine a : affines) {
            if (a.coef(outer) != a.coef(inner) * sizes[inner]) {
                return false;
            }
        }
        return true;
    }
}
