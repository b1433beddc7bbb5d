package dev.javelin.codegen.loops;

import dev.javelin.ir.graph.DefUse;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.plan.Kernel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The roles of an {@link Kernel.Kind#ATTENTION} kernel's body, as fusion formed it: {@code scores =
 * matmul(q, keys)}, scaled by {@code scale}, plus {@code mask} if any, the softmax over the last
 * axis, {@code product = matmul(probabilities, v)}. {@code q}, {@code keys}, {@code v} and {@code
 * mask} name buffers the kernel reads or folded views in its body; {@code chain} names the nodes
 * the attention template replaces (every other body node is a folded view or constant that feeds
 * it).
 *
 * @param scale what the scores are multiplied by ({@code 1/c} for a division by {@code c})
 */
public record AttentionParts(
        Node scores,
        Node product,
        String q,
        String keys,
        String v,
        Optional<String> mask,
        double scale,
        Set<String> chain) {
    public AttentionParts {
        chain = Set.copyOf(chain);
    }

    /** The roles in {@code k}'s body, walked back from the last node; fails where the body is no attention. */
    public static AttentionParts of(Kernel k) {
        DefUse body = DefUse.of(k.body());
        Node pv = k.body().getLast();
        Set<String> chain = new LinkedHashSet<>();
        Node p = operand(body, pv, 0, chain);
        Node e = operand(body, p, 0, chain);
        Node sum = operand(body, p, 1, chain);
        Node sub = operand(body, e, 0, chain);
        Node max = operand(body, sub, 1, chain);
        Node x = operand(body, sub, 0, chain);
        chain.add(pv.name());
        Optional<String> mask = Optional.empty();
        Node scaled = x;
        if (x.op() instanceof Binary b && b.fn() == BinaryFn.ADD) {
            int s = scaleOf(body, body.producer(x.inputs().get(0))) != null ? 0 : 1;
            scaled = operand(body, x, s, chain);
            mask = Optional.of(x.inputs().get(1 - s));
        }
        Node[] qk = scaleOf(body, scaled);
        if (!(pv.op() instanceof MatMul) || qk == null || sum == null || max == null) {
            throw new UnsupportedKernelException("kernel " + k.name() + " is an attention kernel, but its body is not"
                    + " matmul, scale, [mask,] softmax over the last axis, matmul");
        }
        chain.add(qk[0].name());
        double c = ((Constant) qk[1].op()).values()[0];
        boolean divide = ((Binary) scaled.op()).fn() == BinaryFn.DIV;
        return new AttentionParts(
                qk[0],
                pv,
                qk[0].inputs().get(0),
                qk[0].inputs().get(1),
                pv.inputs().get(1),
                mask,
                divide ? 1 / c : c,
                chain);
    }

    /** Input {@code i} of {@code n}, which must be a body node; added to {@code chain}. */
    private static Node operand(DefUse body, Node n, int i, Set<String> chain) {
        Node o = n == null || n.inputs().size() <= i
                ? null
                : body.producer(n.inputs().get(i));
        if (o == null) {
            throw new UnsupportedKernelException("an attention kernel's %" + (n == null ? "?" : n.name())
                    + " must read operand " + i + " from its own body");
        }
        chain.add(o.name());
        return o;
    }

    /** {@code [matmul, constant]} where {@code s} is the matmul times or over a scalar constant; else null. */
    private static Node[] scaleOf(DefUse body, Node s) {
        if (s == null || !(s.op() instanceof Binary b) || (b.fn() != BinaryFn.MUL && b.fn() != BinaryFn.DIV)) {
            return null;
        }
        List<Node> in = s.inputs().stream().map(body::producer).toList();
        for (int i = 0; i < 2; i++) {
            Node m = in.get(i);
            Node c = in.get(1 - i);
            boolean order = i == 0 || b.fn() == BinaryFn.MUL;
            if (order && m != null && m.op() instanceof MatMul && c != null && c.op() instanceof Constant) {
                return new Node[] {m, c};
            }
        }
        return null;
    }
}
