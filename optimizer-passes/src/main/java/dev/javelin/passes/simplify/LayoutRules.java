package dev.javelin.passes.simplify;

import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * Layout rewrites, as rules: a transpose of the last two axes that feeds a matmul operand is
 * folded into the matmul's transpose flag, so no kernel ever materializes it ({@code
 * matmul(permute(a, [.., n-1, n-2]), b)} becomes {@code matmul(a, b) {transpose_a=!t}}, and
 * likewise for {@code b}). Exact: the contraction reads the same elements in the same order of
 * summation. A batched product summed over its batch axes becomes one longer contraction
 * ({@code batch-sum-into-matmul}); that one changes the order of summation (within fp32 rounding).
 * Counters: {@code rewrites}, and one per rule.
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
                        }),
                new Rule(
                        "batch-sum-into-matmul",
                        "reduce_sum(matmul(a, b) {transpose_a=true, transpose_b=false}, all batch axes)"
                                + " -> matmul(reshape(a, [batch*k, m]), reshape(b, [batch*k, n]))",
                        LayoutRules::sumsBatchedProduct,
                        LayoutRules::foldBatchIntoContraction));
    }

    /**
     * A batched product summed over all of its batch axes, where each operand's contraction axis
     * sits right after its batch axes (a transposed {@code a}, an untransposed {@code b}) and no
     * operand is broadcast: the sum over the batch is then the same contraction over a longer axis,
     * one product of {@code batch * k} instead of {@code batch} products of {@code k} and a pass
     * over all of them. This is the weight gradient of a linear layer applied to a batch of
     * sequences ({@code x: [b, s, in]}, {@code dW = sum_b x_bᵀ dy_b}). Only when the product has
     * no other user, so its batched form does not stay alive beside the folded one.
     */
    private static boolean sumsBatchedProduct(Match m) {
        if (!(m.op() instanceof Reduce r) || r.fn() != ReduceFn.SUM || m.usesOfOperand(0) != 1) {
            return false;
        }
        if (!(m.operand(0).op() instanceof MatMul mm) || !mm.transposeA() || mm.transposeB()) {
            return false;
        }
        TensorType product = m.operand(0).type();
        int batchAxes = product.rank() - 2;
        if (batchAxes < 1 || !product.shape().isStatic() || r.axes().size() != batchAxes) {
            return false;
        }
        for (int i = 0; i < batchAxes; i++) {
            if (r.axes().get(i) != i) {
                return false;
            }
        }
        Shape batch = product.shape().sub(0, batchAxes);
        for (String operand : m.operand(0).inputs()) {
            Shape s = m.typeOf(operand).shape();
            if (!s.isStatic()
                    || s.rank() != product.rank()
                    || !s.sub(0, batchAxes).equals(batch)) {
                return false;
            }
        }
        return true;
    }

    private static String foldBatchIntoContraction(Match m, Emitter e) {
        Reduce r = (Reduce) m.op();
        String a = m.operand(0).inputs().get(0);
        String b = m.operand(0).inputs().get(1);
        String flatA = e.add(new Reshape(flattenBatch(e.typeOf(a).shape())), a);
        String flatB = e.add(new Reshape(flattenBatch(e.typeOf(b).shape())), b);
        String product = e.add(new MatMul(true, false), flatA, flatB);
        return r.keepDims() ? e.add(new Reshape(m.type().shape()), product) : product;
    }

    /** {@code [b0, .., bj, k, x]} as {@code [b0 * .. * bj * k, x]}. */
    private static Shape flattenBatch(Shape s) {
        long rows = s.sub(0, s.rank() - 1).staticProduct();
        return Shape.of(rows, s.dim(s.rank() - 1).size());
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
