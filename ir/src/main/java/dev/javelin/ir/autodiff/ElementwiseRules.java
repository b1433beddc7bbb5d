package dev.javelin.ir.autodiff;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;

/**
 * Gradient rules of the elementwise ops. Binary and select operands broadcast implicitly, so each
 * operand's gradient is summed back to its own shape ({@link Backward#giveUnbroadcast}).
 */
final class ElementwiseRules {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

    private ElementwiseRules() {}

    /** {@code dx = g * f'(x)}, written with the result {@code y} where that saves work. */
    static void unary(Backward c, UnaryFn fn) {
        Emit e = c.e();
        Value g = c.grad();
        Value x = c.x(0);
        Value y = c.out();
        DType d = x.type().dtype();
        c.give(0, () -> switch (fn) {
            case NEG -> e.neg(g);
            // sign(0) = 0: the subgradient 0 at the kink.
            case ABS -> e.mul(g, e.unary(UnaryFn.SIGN, x));
            case EXP -> e.mul(g, y);
            case EXPM1 -> e.mul(g, e.add(y, e.scalar(d, 1)));
            case LOG -> e.div(g, x);
            case LOG1P -> e.div(g, e.add(x, e.scalar(d, 1)));
            // 1 / (2 sqrt(x))
            case SQRT -> e.div(g, e.mul(y, e.scalar(d, 2)));
            // -1/2 x^(-3/2) = -y / (2x)
            case RSQRT -> e.mul(g, e.mul(e.scalar(d, -0.5), e.div(y, x)));
            case RECIPROCAL -> e.neg(e.mul(g, e.mul(y, y)));
            case TANH -> e.mul(g, e.sub(e.scalar(d, 1), e.mul(y, y)));
            case SIGMOID -> e.mul(g, e.mul(y, e.sub(e.scalar(d, 1), y)));
            case ERF -> e.mul(g, e.mul(e.scalar(d, TWO_OVER_SQRT_PI), e.unary(UnaryFn.EXP, e.neg(e.mul(x, x)))));
            case SIN -> e.mul(g, e.unary(UnaryFn.COS, x));
            case COS -> e.neg(e.mul(g, e.unary(UnaryFn.SIN, x)));
            case SIGN, FLOOR, CEIL, NOT ->
                throw new IllegalStateException(fn.text() + " carries no gradient; Rules.carries excludes it");
        });
    }

    static void binary(Backward c, BinaryFn fn) {
        Emit e = c.e();
        Value g = c.grad();
        Value a = c.x(0);
        Value b = c.x(1);
        switch (fn) {
            case ADD -> {
                c.giveUnbroadcast(0, () -> g);
                c.giveUnbroadcast(1, () -> g);
            }
            case SUB -> {
                c.giveUnbroadcast(0, () -> g);
                c.giveUnbroadcast(1, () -> e.neg(g));
            }
            case MUL -> {
                c.giveUnbroadcast(0, () -> e.mul(g, b));
                c.giveUnbroadcast(1, () -> e.mul(g, a));
            }
            case DIV -> {
                c.giveUnbroadcast(0, () -> e.div(g, b));
                // d(a/b)/db = -a/b^2 = -y/b
                c.giveUnbroadcast(1, () -> e.neg(e.div(e.mul(g, c.out()), b)));
            }
            case POW -> pow(c);
            case MAX -> extremum(c, BinaryFn.GT);
            case MIN -> extremum(c, BinaryFn.LT);
            case EQ, NE, LT, LE, GT, GE, AND, OR ->
                throw new IllegalStateException(fn.text() + " gives bool; Rules.carries excludes it");
        }
    }

    /**
     * {@code y = a^b}: {@code da = g * b * a^(b-1)} (a^(b-1) rather than y/a, which is 0/0 at a = 0),
     * {@code db = g * y * log(a)} where {@code a > 0} and 0 elsewhere. The exponent derivative exists
     * only for positive bases; at a = 0 its limit from the right is 0 (for b > 0), and a negative base
     * gives NaN from log. A select, not a mask multiply, removes those: 0 * NaN would still be NaN.
     */
    private static void pow(Backward c) {
        Emit e = c.e();
        Value g = c.grad();
        Value a = c.x(0);
        Value b = c.x(1);
        DType d = a.type().dtype();
        c.giveUnbroadcast(0, () -> e.mul(g, e.mul(b, e.binary(BinaryFn.POW, a, e.sub(b, e.scalar(d, 1))))));
        c.giveUnbroadcast(1, () -> {
            Value positive = e.binary(BinaryFn.GT, a, e.scalar(d, 0));
            Value dydb = e.select(positive, e.mul(c.out(), e.unary(UnaryFn.LOG, a)), e.scalar(d, 0));
            return e.mul(g, dydb);
        });
    }

    /**
     * max and min send the gradient to the operand that was chosen; on a tie ({@code a == b}) each
     * operand gets half, as jax.lax.max and torch.maximum do. So the rule is symmetric in a and b,
     * the two halves always add up to g, and it agrees with reduce_max's even split of ties. (A relu
     * written as {@code max(x, 0)} thus has derivative 1/2 at exactly 0.)
     */
    private static void extremum(Backward c, BinaryFn wins) {
        Emit e = c.e();
        Value g = c.grad();
        Value a = c.x(0);
        Value b = c.x(1);
        DType d = a.type().dtype();
        Value one = e.scalar(d, 1);
        Value shareOfA = e.select(
                e.binary(BinaryFn.EQ, a, b), e.scalar(d, 0.5), e.select(e.binary(wins, a, b), one, e.scalar(d, 0)));
        c.giveUnbroadcast(0, () -> e.mul(g, shareOfA));
        c.giveUnbroadcast(1, () -> e.mul(g, e.sub(one, shareOfA)));
    }

    /** {@code select(cond, a, b)}: the gradient goes to a where cond holds and to b elsewhere. */
    static void select(Backward c) {
        Emit e = c.e();
        Value g = c.grad();
        Value cond = c.x(0);
        Value zero = e.scalar(g.type().dtype(), 0);
        c.giveUnbroadcast(1, () -> e.select(cond, g, zero));
        c.giveUnbroadcast(2, () -> e.select(cond, zero, g));
    }
}
