package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.ImageOp;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The rules of the {@code conv-layout} pass, which gives every image op (convolution, pooling and
 * their gradients) a backend's preferred {@link Layout} with conversions only at the edges.
 *
 * <ul>
 *   <li>{@code to-<layout>}: an image op in the other layout becomes permutes of its 4-D operands,
 *       the op in the preferred layout (shape attributes converted), and a permute of its result
 *       back.
 *   <li>Sinking: a permute feeding a layout-agnostic op moves below it — unary ops and casts;
 *       binary ops and selects whose other operands are permuted the same way, or are scalars, or
 *       broadcast (a bias {@code [1,C,1,1]} or {@code [C,1,1]}: reshaped to full rank and permuted
 *       the inverse way, an index map folded into the kernel that reads it); reductions (axes
 *       remapped) whose reduced axes keep their relative order, so a floating-point sum adds in
 *       the same order.
 *   <li>The identities' {@code permute-permute} and {@code permute-identity} then cancel the
 *       permute pairs that meet between consecutive image ops.
 * </ul>
 *
 * What stays is a conversion at each edge: graph inputs and outputs, a reshape (flatten) that
 * depends on the layout, and an operand whose other side is a full-rank value in the old layout.
 * Every rule is exact: permutes move values, never change them. Only layout conversions (the 4-D
 * permutes between NCHW and NHWC) are moved; other transposes are left where they are.
 */
public final class ConvLayoutRules {
    private ConvLayoutRules() {}

    public static List<Rule> all(Layout preferred) {
        List<Rule> rules = new ArrayList<>();
        rules.add(new Rule(
                "to-" + preferred.text(),
                "image op in the other layout -> permute(op in " + preferred.text() + "(permute(operands)))",
                m -> m.op() instanceof ImageOp img && img.layout() != preferred,
                (m, e) -> {
                    ImageOp img = (ImageOp) m.op();
                    Layout from = img.layout();
                    List<Integer> in = convert(from, preferred);
                    String[] operands = new String[m.node().inputs().size()];
                    for (int i = 0; i < operands.length; i++) {
                        operands[i] = m.operand(i).type().rank() == 4 ? e.add(new Permute(in), m.input(i)) : m.input(i);
                    }
                    String converted = e.add(img.inLayout(preferred), operands);
                    return e.add(new Permute(convert(preferred, from)), converted);
                }));
        rules.add(new Rule(
                "permute-below-unary",
                "unary(permute(x, p)) -> permute(unary(x), p), likewise cast",
                m -> (m.op() instanceof Unary || m.op() instanceof Cast) && isPermute(m.operand(0)),
                (m, e) -> e.add(
                        permuteOf(m.operand(0)),
                        e.add(m.op(), m.operand(0).inputs().getFirst()))));
        rules.add(new Rule(
                "permute-below-elementwise",
                "binary/select with permuted operands (same p), scalars or lower-rank operands -> permute(op(..), p)",
                m -> (m.op() instanceof Binary || m.op() instanceof Select) && sinkable(m) != null,
                (m, e) -> {
                    List<Integer> p = sinkable(m);
                    List<Integer> inverse = inverse(p);
                    int rank = p.size();
                    String[] operands = new String[m.node().inputs().size()];
                    for (int i = 0; i < operands.length; i++) {
                        Node o = m.operand(i);
                        if (isPermute(o) && permutation(o).equals(p)) {
                            operands[i] = o.inputs().getFirst();
                        } else if (o.type().shape().numel() == 1 && o.type().rank() == 0) {
                            operands[i] = m.input(i);
                        } else {
                            String full = o.type().rank() == rank
                                    ? m.input(i)
                                    : e.add(new Reshape(padded(o.type().shape(), rank)), m.input(i));
                            operands[i] = e.add(new Permute(inverse), full);
                        }
                    }
                    return e.add(new Permute(p), e.add(m.op(), operands));
                }));
        rules.add(new Rule(
                "permute-below-reduce",
                "reduce(permute(x, p), axes) -> permute(reduce(x, p[axes]), q), when p keeps the reduced axes' order",
                m -> m.op() instanceof Reduce r && isPermute(m.operand(0)) && keepsOrder(permutation(m.operand(0)), r),
                (m, e) -> {
                    Reduce r = (Reduce) m.op();
                    List<Integer> p = permutation(m.operand(0));
                    TreeSet<Integer> axes = new TreeSet<>();
                    for (int a : r.axes()) {
                        axes.add(p.get(a));
                    }
                    String reduced = e.add(
                            new Reduce(r.fn(), List.copyOf(axes), r.keepDims()),
                            m.operand(0).inputs().getFirst());
                    List<Integer> q = new ArrayList<>();
                    if (r.keepDims()) {
                        q.addAll(p);
                    } else {
                        List<Integer> kept = new ArrayList<>();
                        for (int a = 0; a < p.size(); a++) {
                            if (!axes.contains(a)) {
                                kept.add(a);
                            }
                        }
                        for (int d = 0; d < p.size(); d++) {
                            if (!r.axes().contains(d)) {
                                q.add(kept.indexOf(p.get(d)));
                            }
                        }
                    }
                    return e.add(new Permute(q), reduced);
                }));
        // Cancel the permute pairs that meet, and drop identity permutes.
        IdentityRules.all().stream()
                .filter(r -> r.name().equals("permute-permute") || r.name().equals("permute-identity"))
                .forEach(rules::add);
        return rules;
    }

    /**
     * Whether {@code p} maps the reduced axes, in increasing order, to increasing operand axes: then
     * the reduction visits each output's elements in the same order before and after the permute,
     * so a floating-point sum rounds exactly the same (NCHW's H, W or N, H, W all qualify).
     */
    private static boolean keepsOrder(List<Integer> p, Reduce r) {
        int last = -1;
        for (int a : new TreeSet<>(r.axes())) {
            if (p.get(a) < last) {
                return false;
            }
            last = p.get(a);
        }
        return true;
    }

    /** The permutation taking a 4-D tensor from layout {@code a} to layout {@code b}. */
    static List<Integer> convert(Layout a, Layout b) {
        if (a == b) {
            return List.of(0, 1, 2, 3);
        }
        return a == Layout.NCHW ? Layout.NHWC.fromNchw() : Layout.NHWC.toNchw();
    }

    /**
     * A layout conversion (the 4-D permute between NCHW and NHWC, either way): the only permutes
     * this pass moves, so transposes elsewhere in the graph are left as they are.
     */
    private static boolean isPermute(Node n) {
        return n.op() instanceof Permute p
                && (p.perm().equals(Layout.NHWC.fromNchw()) || p.perm().equals(Layout.NHWC.toNchw()));
    }

    private static List<Integer> permutation(Node n) {
        return ((Permute) n.op()).perm();
    }

    private static Permute permuteOf(Node n) {
        return (Permute) n.op();
    }

    /**
     * The permutation to sink below this binary op or select: some operand of the result's shape is
     * permuted by it, and every other operand is permuted the same way or broadcasts (its shape is
     * not the result's: a scalar, a bias {@code [1,C,1,1]}); null otherwise. Requiring a
     * full-size permuted operand keeps the rewrite from firing again on the inverse permute it puts
     * on a broadcast operand.
     */
    private static List<Integer> sinkable(Match m) {
        List<Integer> p = null;
        Shape full = m.type().shape();
        for (int i = 0; i < m.node().inputs().size(); i++) {
            Node o = m.operand(i);
            if (isPermute(o) && o.type().shape().equals(full)) {
                if (p != null && !p.equals(permutation(o))) {
                    return null;
                }
                p = permutation(o);
            }
        }
        if (p == null) {
            return null;
        }
        for (int i = 0; i < m.node().inputs().size(); i++) {
            Node o = m.operand(i);
            boolean same = isPermute(o) && permutation(o).equals(p);
            // An operand of another shape than the result's is broadcast to it.
            boolean broadcast = !o.type().shape().equals(full);
            if (!same && !broadcast) {
                return null;
            }
        }
        return p;
    }

    private static List<Integer> inverse(List<Integer> p) {
        Integer[] q = new Integer[p.size()];
        for (int d = 0; d < p.size(); d++) {
            q[p.get(d)] = d;
        }
        return List.of(q);
    }

    /** {@code s} with leading 1s up to {@code rank}: how broadcasting aligns it. */
    private static Shape padded(Shape s, int rank) {
        List<Dim> dims = new ArrayList<>();
        for (int i = s.rank(); i < rank; i++) {
            dims.add(Dim.of(1));
        }
        dims.addAll(s.dims());
        return new Shape(dims);
    }
}
