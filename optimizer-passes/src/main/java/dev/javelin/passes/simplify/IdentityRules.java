package dev.javelin.passes.simplify;

import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.UnaryFn;
import java.util.ArrayList;
import java.util.List;

/**
 * The algebraic identities, as a list of rules. Every rule is exact under IEEE 754 and under the
 * reference interpreter, NaN, infinities and the sign of zero included:
 *
 * <ul>
 *   <li>{@code x * 1}, {@code 1 * x}, {@code x / 1}: exact for every x.
 *   <li>{@code x + (-0.0)}, {@code (-0.0) + x}, {@code x - (+0.0)}: exact for every float x. The
 *       more common {@code x + 0.0} is <em>not</em> rewritten: {@code -0.0 + 0.0 = +0.0}, so it
 *       changes the sign of a zero. For integers the zero is plain 0.
 *   <li>{@code x * 0} is never rewritten to 0: NaN * 0 and inf * 0 are NaN, and -1 * 0 is -0.0.
 * </ul>
 *
 * A rule that would change the node's type (an identity operand broadcasting x to a larger shape)
 * does not match.
 */
public final class IdentityRules {
    private IdentityRules() {}

    /** The rules, in the order they are tried at each node. */
    public static List<Rule> all() {
        return List.of(
                new Rule(
                        "mul-by-one",
                        "mul(x, 1) -> x",
                        m -> m.isBinary(BinaryFn.MUL) && m.isSplat(1, 1) && m.operandHasNodeType(0),
                        (m, e) -> m.input(0)),
                new Rule(
                        "one-mul",
                        "mul(1, x) -> x",
                        m -> m.isBinary(BinaryFn.MUL) && m.isSplat(0, 1) && m.operandHasNodeType(1),
                        (m, e) -> m.input(1)),
                new Rule(
                        "div-by-one",
                        "div(x, 1) -> x",
                        m -> m.isBinary(BinaryFn.DIV) && m.isSplat(1, 1) && m.operandHasNodeType(0),
                        (m, e) -> m.input(0)),
                new Rule(
                        "add-neg-zero",
                        "add(x, -0.0) -> x (integers: add(x, 0))",
                        m -> m.isBinary(BinaryFn.ADD) && m.isSplat(1, addZero(m)) && m.operandHasNodeType(0),
                        (m, e) -> m.input(0)),
                new Rule(
                        "neg-zero-add",
                        "add(-0.0, x) -> x (integers: add(0, x))",
                        m -> m.isBinary(BinaryFn.ADD) && m.isSplat(0, addZero(m)) && m.operandHasNodeType(1),
                        (m, e) -> m.input(1)),
                new Rule(
                        "sub-zero",
                        "sub(x, +0.0) -> x",
                        m -> m.isBinary(BinaryFn.SUB) && m.isSplat(1, 0.0) && m.operandHasNodeType(0),
                        (m, e) -> m.input(0)),
                new Rule(
                        "neg-neg",
                        "neg(neg(x)) -> x",
                        m -> m.isUnary(UnaryFn.NEG) && m.operandIs(0, UnaryFn.NEG),
                        (m, e) -> m.operand(0).inputs().get(0)),
                new Rule(
                        "cast-same-dtype",
                        "cast(x : d) to d -> x",
                        m -> m.op() instanceof Cast && m.operandHasNodeType(0),
                        (m, e) -> m.input(0)),
                new Rule(
                        "permute-identity",
                        "permute(x, [0, 1, ..]) -> x",
                        m -> m.op() instanceof Permute p && isIdentity(p.perm()),
                        (m, e) -> m.input(0)),
                new Rule(
                        "permute-permute",
                        "permute(permute(x, p), q) -> permute(x, [p[q[0]], p[q[1]], ..])",
                        m -> m.op() instanceof Permute && m.operand(0).op() instanceof Permute,
                        (m, e) -> e.add(
                                new Permute(compose((Permute) m.operand(0).op(), (Permute) m.op())),
                                m.operand(0).inputs().get(0))),
                new Rule(
                        "reshape-same-shape",
                        "reshape(x : s) to s -> x",
                        m -> m.op() instanceof Reshape && m.operandHasNodeType(0),
                        (m, e) -> m.input(0)),
                new Rule(
                        "reshape-reshape",
                        "reshape(reshape(x), s) -> reshape(x, s)",
                        m -> m.op() instanceof Reshape && m.operand(0).op() instanceof Reshape,
                        (m, e) -> e.add(m.op(), m.operand(0).inputs().get(0))),
                new Rule(
                        "broadcast-same-shape",
                        "broadcast(x : s) to s -> x",
                        m -> m.op() instanceof Broadcast && m.operandHasNodeType(0),
                        (m, e) -> m.input(0)),
                new Rule(
                        "broadcast-splat",
                        "broadcast(splat c) to a static shape s -> splat c : s",
                        m -> m.op() instanceof Broadcast
                                && m.type().shape().isStatic()
                                && m.splat(0).isPresent(),
                        (m, e) -> e.add(Constant.scalar(m.type(), m.splat(0).getAsDouble()))));
    }

    /** The additive identity that is exact for the node's dtype: -0.0 for floats, 0 otherwise. */
    private static double addZero(Match m) {
        return m.type().dtype().isFloat() ? -0.0 : 0.0;
    }

    private static boolean isIdentity(List<Integer> perm) {
        for (int i = 0; i < perm.size(); i++) {
            if (perm.get(i) != i) {
                return false;
            }
        }
        return true;
    }

    /** permute(permute(x, inner), outer): result axis i is x's axis inner[outer[i]]. */
    private static List<Integer> compose(Permute inner, Permute outer) {
        List<Integer> out = new ArrayList<>();
        for (int q : outer.perm()) {
            out.add(inner.perm().get(q));
        }
        return out;
    }
}
