package dev.javelin.ir.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The gradient of a 20,000-op chain, built, verified, printed and parsed back (the self-check) and
 * run by the interpreter on a default thread stack, against reverse mode written out by hand.
 */
class DeepChainGradientTest {
    private static final int LENGTH = 20_000;
    private static final double[] X = {0.3, -1.2, 2.5};
    private static final double[] P = {0.1, -0.4, 0.7};

    @Test
    void theGradientOfALongChainMatchesReverseModeByHand() {
        TensorType t = TensorType.of(DType.F64, 3);
        GraphBuilder b = new GraphBuilder("chain");
        Value x = b.input("x", t);
        Value p = b.parameter("p", t);
        Value v = x;
        for (int i = 0; i < LENGTH; i++) {
            v = switch (i % 3) {
                case 0 -> b.unary(UnaryFn.TANH, v);
                case 1 -> b.binary(BinaryFn.MUL, v, b.scalar(DType.F64, 0.9));
                default -> b.binary(BinaryFn.ADD, v, p);
            };
        }
        Value loss = b.reduce(ReduceFn.SUM, v, false, 0);
        List<Value> grads = Autodiff.gradients(b, loss, List.of(x, p));
        b.output("dx", grads.get(0)).output("dp", grads.get(1));
        var out = Interpreter.run(
                        b.build(),
                        Map.of(
                                "x",
                                NdArray.of(DType.F64, new long[] {3}, X),
                                "p",
                                NdArray.of(DType.F64, new long[] {3}, P)))
                .outputs();
        for (int j = 0; j < 3; j++) {
            double[] byHand = byHand(X[j], P[j]);
            assertEquals(byHand[0], out.get("dx").get(j), 1e-12 * Math.max(1, Math.abs(byHand[0])), "dx[" + j + "]");
            assertEquals(byHand[1], out.get("dp").get(j), 1e-12 * Math.max(1, Math.abs(byHand[1])), "dp[" + j + "]");
        }
    }

    /** d(sum)/dx and d(sum)/dp of one element of the chain: the forward values kept, then walked back. */
    private static double[] byHand(double x, double p) {
        double[] after = new double[LENGTH];
        double v = x;
        for (int i = 0; i < LENGTH; i++) {
            v = switch (i % 3) {
                case 0 -> Math.tanh(v);
                case 1 -> v * 0.9;
                default -> v + p;
            };
            after[i] = v;
        }
        double g = 1;
        double dp = 0;
        for (int i = LENGTH - 1; i >= 0; i--) {
            switch (i % 3) {
                case 0 -> g *= 1 - after[i] * after[i];
                case 1 -> g *= 0.9;
                default -> dp += g;
            }
        }
        return new double[] {g, dp};
    }
}
