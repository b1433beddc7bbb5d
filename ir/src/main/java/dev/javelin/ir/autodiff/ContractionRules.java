package dev.javelin.ir.autodiff;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;

/** Gradient rules of matmul, conv2d and pooling. */
final class ContractionRules {
    private ContractionRules() {}

    /**
     * With {@code A = op(a)} and {@code B = op(b)} the operands as multiplied ({@code op} the flagged
     * transpose), {@code y = A B} gives {@code dA = g Bᵀ} and {@code dB = Aᵀ g}. The transpose flags
     * express each product directly on the stored operands, so nothing is materialized:
     *
     * <pre>
     *   flags (ta, tb)   da (shape of a)          db (shape of b)
     *   (f, f)           matmul(g, b; f, t)       matmul(a, g; t, f)
     *   (f, t)           matmul(g, b; f, f)       matmul(g, a; t, f)
     *   (t, f)           matmul(b, g; f, t)       matmul(a, g; f, f)
     *   (t, t)           matmul(b, g; t, t)       matmul(g, a; t, t)
     * </pre>
     *
     * Both products carry the result's batch axes; an operand whose batch axes were broadcast gets
     * them summed away.
     */
    static void matmul(Backward c, MatMul m) {
        Emit e = c.e();
        Value g = c.grad();
        Value a = c.x(0);
        Value b = c.x(1);
        boolean ta = m.transposeA();
        boolean tb = m.transposeB();
        c.giveUnbroadcast(0, () -> ta ? e.op(new MatMul(tb, true), b, g) : e.op(new MatMul(false, !tb), g, b));
        c.giveUnbroadcast(1, () -> tb ? e.op(new MatMul(true, ta), g, a) : e.op(new MatMul(!ta, false), a, g));
    }

    /** The two gradient primitives of convolution, with the forward attributes and the operand's shape. */
    static void conv2d(Backward c, Conv2d cv) {
        Emit e = c.e();
        Value x = c.x(0);
        Value w = c.x(1);
        c.give(
                0,
                () -> e.op(
                        new Conv2dBackpropInput(
                                cv.stride(),
                                cv.padding(),
                                cv.dilation(),
                                cv.groups(),
                                x.type().shape(),
                                cv.layout()),
                        c.grad(),
                        w));
        c.give(
                1,
                () -> e.op(
                        new Conv2dBackpropFilter(
                                cv.stride(),
                                cv.padding(),
                                cv.dilation(),
                                cv.groups(),
                                w.type().shape(),
                                cv.layout()),
                        x,
                        c.grad()));
    }

    static void pool2d(Backward c, Pool2d p) {
        c.give(
                0,
                () -> c.e().op(
                                new Pool2dBackprop(p.kind(), p.kernel(), p.stride(), p.padding(), p.layout()),
                                c.x(0),
                                c.grad()));
    }
}
