package dev.javelin.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.autodiff.Autodiff;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Custom ops, cond and fold under autodiff and training. */
class GradientFeaturesTest {

    /** ReLU written as a custom op: forward max(x, 0), backward the gradient where x > 0. */
    static final class CustomRelu extends CustomOp {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].max(0);
        }

        @Override
        protected Tensor[] backward(Tensor[] in, Tensor out, Tensor grad) {
            return new Tensor[] {in[0].gt(0).where(grad, grad.scalar(0))};
        }
    }

    /** A small classifier whose activation is either the built-in ReLU or the custom one. */
    static final class Classifier implements TrainingModel {
        final boolean custom;
        final Linear fc1 = new Linear(6, 8);
        final Linear fc2 = new Linear(8, 3);

        Classifier(boolean custom) {
            this.custom = custom;
        }

        @Override
        public String name() {
            return custom ? "custom-relu" : "builtin-relu";
        }

        @Override
        public Traced trace(Net net) {
            net.module("fc1", fc1);
            net.module("fc2", fc2);
            Tensor x = net.input("x", DType.F32, "batch", 6);
            Tensor labels = net.input("labels", DType.I64, "batch");
            Tensor h = fc1.forward(x);
            Tensor logits = fc2.forward(custom ? new CustomRelu().apply(h) : h.relu());
            return new Traced(logits, Loss.crossEntropy(logits, labels));
        }

        @Override
        public Map<String, NdArray> syntheticBatch(int batch, long seed) {
            Random r = new Random(seed);
            double[] x = new double[batch * 6];
            long[] y = new long[batch];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < batch; i++) {
                y[i] = r.nextInt(3);
            }
            return Map.of(
                    "x",
                    NdArray.of(DType.F32, new long[] {batch, 6}, x),
                    "labels",
                    NdArray.ofLongs(DType.I64, new long[] {batch}, y));
        }
    }

    @Test
    void customReluTrainsIdenticallyToTheBuiltIn() {
        Trainer builtin =
                new Trainer(new Classifier(false), Optimizer.momentum(0.9, false), 3, null, Backend.INTERPRETER);
        Trainer custom =
                new Trainer(new Classifier(true), Optimizer.momentum(0.9, false), 3, null, Backend.INTERPRETER);
        assertEquals(builtin.state(), custom.state(), "same seed, same initial parameters");
        for (int step = 0; step < 20; step++) {
            Map<String, NdArray> batch = new Classifier(false).syntheticBatch(16, step);
            double a = builtin.step(batch, 0.1);
            double b = custom.step(batch, 0.1);
            assertEquals(a, b, Math.abs(a) * 1e-12, "step " + step);
        }
        for (String name : builtin.state().keySet()) {
            double[] a = builtin.state().get(name).toDoubles();
            double[] b = custom.state().get(name).toDoubles();
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-12, name + "[" + i + "]");
            }
        }
        assertTrue(count(custom, "eq") < count(builtin, "eq"), "the custom backward replaces max's tie-splitting rule");
    }

    static long count(Trainer t, String mnemonic) {
        return t.trainGraph().nodes().stream()
                .filter(n -> n.op().mnemonic().equals(mnemonic))
                .count();
    }

    /** Autodiff's gradient of a scalar f(p) at p against central differences, in float64. */
    static void gradCheck(Function<Tensor, Tensor> f, double[] at) {
        Net net = new Net("g");
        Tensor p = net.parameter("p", Param.of(Initializer.zeros(), at.length));
        Tensor loss = f.apply(p);
        Tensor grad =
                net.tensor(Autodiff.gradients(net.builder(), loss.value(), List.of(p.value()), net.gradientOverrides())
                        .get(0));
        net.output("loss", loss).output("grad", grad);
        var g = net.build();
        Function<double[], Map<String, NdArray>> run = v -> {
            Map<String, NdArray> feeds = new HashMap<>();
            feeds.put("p", NdArray.of(DType.F32, new long[] {v.length}, v));
            return Interpreter.run(g, feeds).outputs();
        };
        double[] analytic = run.apply(at).get("grad").toDoubles();
        for (int i = 0; i < at.length; i++) {
            double h = 1e-6 * Math.max(1, Math.abs(at[i]));
            double[] up = at.clone();
            double[] down = at.clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (run.apply(up).get("loss").get(0)
                            - run.apply(down).get("loss").get(0))
                    / (2 * h);
            double rel =
                    Math.abs(numeric - analytic[i]) / Math.max(1, Math.max(Math.abs(numeric), Math.abs(analytic[i])));
            assertTrue(rel < 1e-6, "component " + i + ": autodiff " + analytic[i] + ", finite differences " + numeric);
        }
    }

    @Test
    void gradientsFlowThroughCondFoldAndCustomOps() {
        double[] at = {0.7, -1.3, 2.1, 0.4};
        gradCheck(
                p -> Control.cond(
                        p.sum().gt(0), () -> p.mul(p).sum(), () -> p.exp().sum()),
                at);
        gradCheck(
                p -> Control.cond(
                        p.sum().gt(100), () -> p.mul(p).sum(), () -> p.exp().sum()),
                at);
        gradCheck(
                p -> Control.fold(
                                p.reshape(2, 2),
                                p.slice(0, 0, 2, 1),
                                (acc, row) -> acc.mul(row).add(acc.tanh()))
                        .sum(),
                at);
        gradCheck(p -> new CustomRelu().apply(p).mul(p).sum(), at);
    }

    /** The DSL's own composites (not copies of them) against finite differences. */
    @Test
    void compositeGradients() {
        double[] at = {0.3, -1.1, 2.0, 0.8, -0.4, 1.7};
        double[] w = {0.9, -0.2, 0.5, 1.3, -0.7, 0.1};
        Function<Tensor, Tensor> weighted =
                t -> t.mul(t.net().constant(t.type(), w)).sum();
        gradCheck(p -> weighted.apply(F.softmax(p.reshape(2, 3), -1).reshape(6)), at);
        gradCheck(p -> weighted.apply(F.logSoftmax(p.reshape(2, 3), 1).reshape(6)), at);
        gradCheck(
                p -> weighted.apply(
                        F.layerNorm(p.reshape(2, 3), 1, null, null, 1e-5).reshape(6)),
                at);
        gradCheck(p -> weighted.apply(F.gelu(p)), at);
        gradCheck(p -> weighted.apply(p.sigmoid().mul(p.tanh())), at);
        gradCheck(p -> p.reshape(2, 3).mean(true, 1).sum().add(p.pow(2).mean()), at);
        gradCheck(
                p -> {
                    Tensor labels = p.net().constant(dev.javelin.ir.type.TensorType.of(DType.I64, 2), 2, 0);
                    return Loss.crossEntropy(p.reshape(2, 3), labels);
                },
                at);
        gradCheck(p -> Loss.squaredError(p, p.net().constant(p.type(), w), Loss.Reduction.MEAN), at);
    }
}
