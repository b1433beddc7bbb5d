package dev.javelin.passes.simplify;

import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Permute;
import java.util.List;

/**
 * Layout rewrites, as rules: a transpose of the last two axes that feeds a matmul operand is
 * folded into the matmul's transpose flag, so no kernel ever materializes it ({@code
 * matmul(permute(a, [.., n-1, n-2]), b)} becomes {@code matmul(a, b) {transpose_a=!t}}, and
 * likewise for {@code b}). Exact: the contraction reads the same elements in the same order of
 * summation. Counters: {@code rewrites}, and one per rule.
 */
public final class LayoutRules {
    private LayoutRules() {}

    public static List<Rule> all() {
        return List.of(
                new Rule(
                        "transpose-into-matmul-a",
                        "matmul(permute(a, [.., n-1, n-2]), b) {transpose_a=t} -> matmul(a, b) {transpose_a=!t}",
                        m -> m.op() instanceof MatMul && swapsLastTwo(m, 0),
                        (m, e) -> {
                            MatMul mm = (MatMul) m.op();
                            return e.add(
                                    new MatMul(!mm.transposeA(), mm.transposeB()),
                                    m.operand(0).inputs().get(0),
                                    m.input(1));
                        }),
                new Rule(
                        "transpose-into-matmul-b",
                        "matmul(a, permute(b, [.., n-1, n-2])) {transpose_b=t} -> matmul(a, b) {transpose_b=!t}",
                        m -> m.op() instanceof MatMul && swapsLastTwo(m, 1),
                        (m, e) -> {
                            MatMul mm = (MatMul) m.op();
                            return e.add(
                                    new MatMul(mm.transposeA(), !mm.transposeB()),
                                    m.input(0),
                                    m.operand(1).inputs().get(0));
                        }));
    }

    /** Whether operand {@code i} is a permute that swaps the last two axes and keeps the rest. */
    private static boolean swapsLastTwo(Match m, int i) {
        if (!(m.operand(i).op() instanceof Permute p)) {
            return false;
        }
        List<Integer> perm = p.perm();
        int n = perm.size();
        if (n < 2) {
            return false;
        }
        for (int k = 0; k < n - 2; k++) {
            if (perm.get(k) != k) {
                return false;
            }
        }
        return perm.get(n - 2) == n - 1 && perm.get(n - 1) == n - 2;
    }
}
