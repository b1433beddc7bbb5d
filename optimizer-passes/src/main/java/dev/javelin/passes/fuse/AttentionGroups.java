package dev.javelin.passes.fuse;

import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.passes.lower.OpClass;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The attention groups, formed after the multi-tensor update and before any merge, closed to the
 * merges that follow. A group is exactly the nodes of {@code softmax(matmul(Q, K2) ∘ c [+ mask]) ·
 * V}: {@code matmul(Q, K2)} (K2 is Kᵀ as laid out, or K with {@code transpose_b}), a {@code div} or
 * {@code mul} by a scalar constant, optionally an {@code add} of a mask of the scores' shape or
 * broadcast to it, the softmax decomposition over the last axis ({@code reduce_max} keeping dims,
 * {@code sub}, {@code exp}, {@code reduce_sum} keeping dims, {@code div}) and {@code matmul(P, V)}.
 * The greedy merges would make three kernels of it (the scores with their scale, the softmax, the
 * product), writing the scores and the probabilities; one attention kernel writes only the product.
 *
 * <p>It is formed only where no intermediate (scores, maximum, exponentials, sum, probabilities) is
 * read outside it or is an output: otherwise a {@link Refusal.AttentionUsedOutside} is recorded
 * (training graphs: the backward reads the probabilities) and the nodes fuse as they always did.
 * The target's {@link FusionVeto} is asked with {@link KernelShape#ATTENTION}; a refusal leaves the
 * nodes to the greedy merges too.
 */
final class AttentionGroups {
    private final FusionGraph fg;
    private final Groups groups;
    private final FusionVeto veto;
    private final PassContext ctx;

    AttentionGroups(FusionGraph fg, Groups groups, FusionVeto veto, PassContext ctx) {
        this.fg = fg;
        this.groups = groups;
        this.veto = veto;
        this.ctx = ctx;
    }

    /** One match: the product of the scores, the product with V, and every node between, in graph order. */
    private record Match(int scores, int product, List<Integer> chain) {}

    /** Forms every attention group the graph and the target allow; returns the refused ones, in graph order. */
    List<FusionDecision> form() {
        List<FusionDecision> refused = new ArrayList<>();
        for (int i = 0; i < fg.n; i++) {
            Match m = match(i);
            if (m == null) {
                continue;
            }
            Refusal why = usedOutside(m);
            if (why == null) {
                var vetoed = veto.refuse(new FusionVeto.Merge(
                        KernelShape.ATTENTION,
                        m.chain().subList(0, m.chain().size() - 1).stream()
                                .map(fg.nodes::get)
                                .toList(),
                        List.of(fg.nodes.get(m.product()))));
                why = vetoed.map(r -> (Refusal) new Refusal.Vetoed(veto.target(), r))
                        .orElse(null);
            }
            if (why != null) {
                ctx.count(why.counter());
                refused.add(FusionDecision.refused(fg.label(m.scores()), fg.label(m.product()), why));
                continue;
            }
            int target = groups.groupOf[m.product()];
            for (int c : m.chain()) {
                groups.move(groups.groupOf[c], target);
            }
            groups.get(target).closed = true;
            groups.get(target).attention = true;
            ctx.count("fused-attention");
        }
        return refused;
    }

    /** The first intermediate of {@code m} that something outside it reads, as a refusal; null if none. */
    private Refusal usedOutside(Match m) {
        for (int c : m.chain()) {
            if (c == m.product()) {
                continue;
            }
            if (fg.materialized[c]) {
                return new Refusal.AttentionUsedOutside(fg.label(c), "an output or assign of the graph");
            }
            for (int u : fg.consumers[c]) {
                if (!m.chain().contains(u)) {
                    return new Refusal.AttentionUsedOutside(fg.label(c), fg.label(u));
                }
            }
        }
        return null;
    }

    /** The attention pattern ending in matmul {@code pv}, walked back from it; null where it does not fit. */
    private Match match(int pv) {
        if (!(op(pv) instanceof MatMul mm) || mm.transposeA() || !free(pv)) {
            return null;
        }
        int p = fg.operands[pv][0];
        if (!binary(p, BinaryFn.DIV)) {
            return null;
        }
        int e = fg.operands[p][0];
        int sum = fg.operands[p][1];
        if (!(op(e) instanceof Unary u) || u.fn() != UnaryFn.EXP || !free(e) || !lastAxis(sum, ReduceFn.SUM, e)) {
            return null;
        }
        int sub = fg.operands[e][0];
        if (!binary(sub, BinaryFn.SUB)) {
            return null;
        }
        int x = fg.operands[sub][0];
        int max = fg.operands[sub][1];
        if (!lastAxis(max, ReduceFn.MAX, x)) {
            return null;
        }
        int scaled = scaledScores(x) >= 0 ? x : -1;
        if (scaled < 0 && binary(x, BinaryFn.ADD) && sameShape(x, fg.operands[x][0])) {
            scaled = scaledScores(fg.operands[x][0]) >= 0 ? fg.operands[x][0] : -1;
        }
        if (scaled < 0 && binary(x, BinaryFn.ADD) && sameShape(x, fg.operands[x][1])) {
            scaled = scaledScores(fg.operands[x][1]) >= 0 ? fg.operands[x][1] : -1;
        }
        if (scaled < 0) {
            return null;
        }
        int qk = scaledScores(scaled);
        List<Integer> chain = new ArrayList<>(List.of(qk, scaled));
        if (scaled != x) {
            chain.add(x);
        }
        chain.addAll(List.of(max, sub, e, sum, p, pv));
        return new Match(qk, pv, chain.stream().sorted().toList());
    }

    /** The matmul that {@code s} scales by a scalar constant ({@code div(qk, c)}, {@code mul(qk, c)}, {@code mul(c, qk)}); -1 if none. */
    private int scaledScores(int s) {
        if (!(op(s) instanceof Binary b) || !free(s)) {
            return -1;
        }
        int[] in = fg.operands[s];
        int qk = -1;
        if ((b.fn() == BinaryFn.DIV || b.fn() == BinaryFn.MUL) && scalarConstant(in[1])) {
            qk = in[0];
        } else if (b.fn() == BinaryFn.MUL && scalarConstant(in[0])) {
            qk = in[1];
        }
        return qk >= 0 && op(qk) instanceof MatMul && free(qk) && sameShape(s, qk) ? qk : -1;
    }

    private boolean scalarConstant(int c) {
        return fg.cls[c] == OpClass.CONSTANT && fg.numel[c] == 1;
    }

    /** Whether {@code r} reduces {@code operand} with {@code fn} over its last axis, keeping it. */
    private boolean lastAxis(int r, ReduceFn fn, int operand) {
        return op(r) instanceof Reduce red
                && red.fn() == fn
                && red.keepDims()
                && free(r)
                && fg.operands[r][0] == operand
                && red.axes().equals(List.of(fg.nodes.get(operand).type().rank() - 1));
    }

    private boolean binary(int i, BinaryFn fn) {
        return op(i) instanceof Binary b && b.fn() == fn && free(i);
    }

    private boolean sameShape(int a, int b) {
        return fg.nodes.get(a).type().shape().equals(fg.nodes.get(b).type().shape());
    }

    /** A node computed by a kernel, still alone in its group (not taken by the multi-tensor update or another match). */
    private boolean free(int i) {
        if (!fg.real(i)) {
            return false;
        }
        Groups.Group g = groups.get(groups.groupOf[i]);
        return !g.closed && g.members.size() == 1;
    }

    private Op op(int i) {
        return fg.nodes.get(i).op();
    }
}
