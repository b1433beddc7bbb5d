package dev.javelin.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.train.TrainStep;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer's update against the formula computed by hand, on the loss {@code sum(c * p)}
 * whose gradient is the constant {@code c}, over a few steps (so momentum and bias correction
 * are exercised).
 */
class OptimizerTest {
    static final double[] C = {0.5, -2.0};
    static final double[] P0 = {1.0, 3.0};

    /** Runs {@code steps} training steps and returns the parameter's values after each. */
    static double[][] run(Optimizer opt, int steps, double lr) {
        Net net = new Net("opt");
        Tensor p = net.parameter("p", Param.of(Initializer.zeros(), 2));
        Tensor c = net.constant(p.type(), C);
        Graph g = TrainStep.build(net, p.mul(c).sum(), opt);
        Map<String, NdArray> state = new HashMap<>(net.initialValues(0));
        state.put("p", NdArray.of(DType.F32, new long[] {2}, P0));
        double[][] out = new double[steps][];
        for (int s = 0; s < steps; s++) {
            Map<String, NdArray> feeds = new HashMap<>(state);
            feeds.put("lr", NdArray.scalar(DType.F32, lr));
            state.putAll(Interpreter.run(g, feeds).updatedParameters());
            out[s] = state.get("p").toDoubles();
        }
        return out;
    }

    static void assertClose(double expected, double actual) {
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)));
    }

    @Test
    void sgdMomentumAndNesterov() {
        double lr = 0.1;
        double[][] sgd = run(Optimizer.sgd(), 3, lr);
        double[][] mom = run(Optimizer.momentum(0.9, false), 3, lr);
        double[][] nes = run(Optimizer.momentum(0.9, true), 3, lr);
        for (int i = 0; i < 2; i++) {
            double p = P0[i];
            double pm = P0[i];
            double pn = P0[i];
            double buf = 0;
            for (int s = 0; s < 3; s++) {
                p -= lr * C[i];
                buf = 0.9 * buf + C[i];
                pm -= lr * buf;
                pn -= lr * (C[i] + 0.9 * buf);
                assertClose(p, sgd[s][i]);
                assertClose(pm, mom[s][i]);
                assertClose(pn, nes[s][i]);
            }
        }
    }

    @Test
    void adamAndAdamWFollowPyTorch() {
        double lr = 0.01;
        double wd = 0.1;
        double[][] adam = run(Optimizer.adam(), 3, lr);
        double[][] adamw = run(Optimizer.adamW(wd), 3, lr);
        for (int i = 0; i < 2; i++) {
            double p = P0[i];
            double pw = P0[i];
            double m = 0;
            double v = 0;
            for (int t = 1; t <= 3; t++) {
                double g = C[i];
                m = 0.9 * m + 0.1 * g;
                v = 0.999 * v + 0.001 * g * g;
                double step =
                        lr / (1 - Math.pow(0.9, t)) * m / (Math.sqrt(v) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8);
                p -= step;
                pw = pw * (1 - lr * wd) - step;
                assertClose(p, adam[t - 1][i]);
                assertClose(pw, adamw[t - 1][i]);
            }
        }
    }

    /** One step on {@code sum(c * p) + 3 q}: the gradients are {@code C} and 3, of global norm sqrt(13.25). */
    static Map<String, double[]> stepTwo(Optimizer opt, double lr) {
        Net net = new Net("opt2");
        Tensor p = net.parameter("p", Param.of(Initializer.zeros(), 2));
        Tensor q = net.parameter("q", Param.of(Initializer.zeros(), 1));
        Graph g = TrainStep.build(
                net, p.mul(net.constant(p.type(), C)).sum().add(q.mul(3).sum()), opt);
        Map<String, NdArray> feeds = new HashMap<>(net.initialValues(0));
        feeds.put("p", NdArray.of(DType.F32, new long[] {2}, P0));
        feeds.put("q", NdArray.of(DType.F32, new long[] {1}, new double[] {2.0}));
        feeds.put("lr", NdArray.scalar(DType.F32, lr));
        Map<String, NdArray> out = Interpreter.run(g, feeds).updatedParameters();
        return Map.of("p", out.get("p").toDoubles(), "q", out.get("q").toDoubles());
    }

    @Test
    void clippingScalesAllGradientsByTheirGlobalNorm() {
        double norm = Math.sqrt(0.25 + 4 + 9);
        Map<String, double[]> clipped = stepTwo(Optimizer.sgd().clipped(1.0), 0.1);
        Map<String, double[]> loose = stepTwo(Optimizer.sgd().clipped(10.0), 0.1);
        for (int i = 0; i < 2; i++) {
            assertClose(P0[i] - 0.1 * C[i] / norm, clipped.get("p")[i]);
            assertClose(P0[i] - 0.1 * C[i], loose.get("p")[i]);
        }
        assertClose(2.0 - 0.1 * 3 / norm, clipped.get("q")[0]);
        assertClose(2.0 - 0.1 * 3, loose.get("q")[0]);
        assertEquals("adamw", Optimizer.adamW(0.1).clipped(1).clipped(2).name());
        assertEquals(2.0, Optimizer.adamW(0.1).clipped(1).clipped(2).clipNorm());
        assertEquals(
                "gradient clipping needs a norm > 0, found 0.0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Optimizer.sgd().clipped(0))
                        .getMessage());
    }

    @Test
    void adamWDecaysOnlyTheChosenPaths() {
        double lr = 0.01;
        double wd = 0.5;
        Adam base = (Adam) Optimizer.adamW(wd);
        Map<String, double[]> all = stepTwo(base, lr);
        Map<String, double[]> onlyQ = stepTwo(base.withDecayOnly("q"::equals), lr);
        // the first step of Adam moves every parameter by lr * sign(g) (bias-corrected m / sqrt(v))
        for (int i = 0; i < 2; i++) {
            double step = lr * Math.signum(C[i]);
            assertEquals(P0[i] * (1 - lr * wd) - step, all.get("p")[i], 1e-6);
            assertEquals(P0[i] - step, onlyQ.get("p")[i], 1e-6);
        }
        assertEquals(2.0 * (1 - lr * wd) - lr, onlyQ.get("q")[0], 1e-6);
    }

    @Test
    void badSettingsAndNamesAreRejected() {
        assertEquals(
                "unknown optimizer 'lion' (expected sgd, momentum, nesterov, adam or adamw)",
                assertThrows(IllegalArgumentException.class, () -> Optimizer.named("lion"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(1.0, 0.999, 1e-8, 0, false));
    }
}
