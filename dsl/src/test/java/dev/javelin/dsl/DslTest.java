package dev.javelin.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.nn.Activations;
import dev.javelin.dsl.nn.BatchNorm2d;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.dsl.nn.Sequential;
import dev.javelin.ir.graph.ShapeException;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DslTest {

    static final class Encoder extends Module {
        final Linear fc1 = new Linear(4, 3);
        final Linear fc2 = new Linear(3, 2, false);

        @Override
        public Tensor forward(Tensor x) {
            return fc2.forward(fc1.forward(x).relu());
        }
    }

    static final class Model extends Module {
        final Encoder encoder = new Encoder();
        final Sequential head = new Sequential(new Linear(2, 2), new Activations.Tanh());
        final java.util.List<Linear> layers = java.util.List.of(new Linear(2, 2));

        @Override
        public Tensor forward(Tensor x) {
            return layers.get(0).forward(head.forward(encoder.forward(x)));
        }
    }

    static NdArray arr(long[] shape, double... v) {
        return NdArray.of(DType.F32, shape, v);
    }

    static Map<String, NdArray> run(Net net, Map<String, NdArray> feeds) {
        return Interpreter.run(net.build(), feeds).outputs();
    }

    @Test
    void parametersAreNamedByTheirPath() {
        Net net = new Net("m");
        Model m = net.module(new Model());
        net.output("y", m.forward(net.input("x", DType.F32, "batch", 4)));
        assertEquals(
                List.of(
                        "encoder.fc1.weight",
                        "encoder.fc1.bias",
                        "encoder.fc2.weight",
                        "head.0.weight",
                        "head.0.bias",
                        "layers.0.weight",
                        "layers.0.bias"),
                List.copyOf(net.params().keySet()));
        assertEquals(
                TensorType.of(DType.F32, 4, 3),
                net.params().get("encoder.fc1.weight").type());
        Map<String, NdArray> init = net.initialValues(7);
        assertEquals(init, net.initialValues(7), "initial values are a function of the seed");
        assertTrue(!init.get("encoder.fc1.weight").equals(net.initialValues(8).get("encoder.fc1.weight")));
        double bound = 1 / Math.sqrt(4);
        for (double v : init.get("encoder.fc1.weight").toDoubles()) {
            assertTrue(Math.abs(v) <= bound, "PyTorch's default bound 1/sqrt(fan_in)");
        }
    }

    @Test
    void unregisteredModulesAndMismatchedLayersFailClearly() {
        Net net = new Net("m");
        Tensor x = net.input("x", DType.F32, "batch", 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Linear(5, 2).forward(x));
        assertTrue(e.getMessage().contains("call net.module(model) before tracing it"), e.getMessage());
        Linear l = net.module(new Linear(4, 2));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> l.forward(x));
        assertEquals("Linear(4, 2) expects 4 input features, found f32[batch,5] (last axis 5)", bad.getMessage());
        Tensor w = net.parameter("w", Param.of(Initializer.zeros(), 3, 2));
        ShapeException s = assertThrows(ShapeException.class, () -> x.matmul(w));
        assertTrue(s.getMessage().startsWith("matmul(f32[batch,5], f32[3,2]) at DslTest.java:"), s.getMessage());
    }

    @Test
    void softmaxAndLogSoftmaxAreStableForHugeLogits() {
        Net net = new Net("s");
        Tensor x = net.input("x", DType.F32, 2, 3);
        net.output("p", F.softmax(x, -1)).output("lp", F.logSoftmax(x, 1));
        var out = run(net, Map.of("x", arr(new long[] {2, 3}, 1000, 1001, 1002, -5, 0, 5)));
        double z = Math.exp(-2) + Math.exp(-1) + 1;
        assertEquals(1 / z, out.get("p").get(2), 1e-12);
        assertEquals(-2 - Math.log(z), out.get("lp").get(0), 1e-12);
        assertEquals(-Math.log(1 + Math.exp(-5) + Math.exp(-10)), out.get("lp").get(5), 1e-12);
    }

    @Test
    void crossEntropyMatchesTheDefinition() {
        Net net = new Net("ce");
        Tensor logits = net.input("logits", DType.F32, "batch", 3);
        Tensor labels = net.input("labels", DType.I64, "batch");
        net.output("loss", Loss.crossEntropy(logits, labels));
        assertEquals(Map.of("labels", 3L), net.labelRanges());
        var out = run(
                net,
                Map.of(
                        "logits",
                        arr(new long[] {2, 3}, 1, 2, 3, 0, 0, 0),
                        "labels",
                        NdArray.ofLongs(DType.I64, new long[] {2}, 2, 1)));
        double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
        double l1 = Math.log(3);
        assertEquals((l0 + l1) / 2, out.get("loss").get(0), 1e-12);
    }

    @Test
    void meanOverASymbolicBatchAndLayerNormAndGelu() {
        Net net = new Net("n");
        Tensor x = net.input("x", DType.F32, "batch", 4);
        net.output("mean", x.mean())
                .output("ln", F.layerNorm(x, 1, null, null, 0))
                .output("gelu", F.gelu(x));
        var out = run(net, Map.of("x", arr(new long[] {2, 4}, 1, 2, 3, 4, 5, 6, 7, 8)));
        assertEquals(4.5, out.get("mean").get(0), 1e-12);
        double sd = Math.sqrt(1.25);
        assertEquals(-1.5 / sd, out.get("ln").get(0), 1e-12);
        assertEquals(1.5 / sd, out.get("ln").get(7), 1e-12);
        // Constants are f32 in an f32 graph (1/sqrt 2 rounds), hence the tolerance.
        assertEquals(0.8413447460685429, out.get("gelu").get(0), 1e-7);
    }

    @Test
    void condChoosesAtRunTimeAndFoldUnrolls() {
        Net net = new Net("c");
        Tensor x = net.input("x", DType.F32, 3, 2);
        Tensor flag = net.input("flag", DType.BOOL);
        net.output("c", Control.cond(flag, () -> x.mul(2), () -> x.neg()));
        net.output(
                "f",
                Control.fold(
                        x,
                        net.scalar(0, DType.F32).broadcastTo(x.shape().sub(1, 2)),
                        (acc, row) -> acc.add(row.mul(row))));
        NdArray xs = arr(new long[] {3, 2}, 1, 2, 3, 4, 5, 6);
        var yes = run(net, Map.of("x", xs, "flag", NdArray.scalar(DType.BOOL, 1)));
        var no = run(net, Map.of("x", xs, "flag", NdArray.scalar(DType.BOOL, 0)));
        assertArrayEquals(new double[] {2, 4, 6, 8, 10, 12}, yes.get("c").toDoubles());
        assertArrayEquals(new double[] {-1, -2, -3, -4, -5, -6}, no.get("c").toDoubles());
        assertArrayEquals(new double[] {1 + 9 + 25, 4 + 16 + 36}, yes.get("f").toDoubles());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Control.cond(flag, () -> x, () -> x.sum()));
        assertEquals("cond branches give different types: f32[3,2] and f32[]", e.getMessage());
    }

    @Test
    void batchNormUpdatesRunningStatisticsInTraining() {
        Net net = new Net("bn");
        BatchNorm2d bn = net.module(new BatchNorm2d(2));
        Tensor x = net.input("x", DType.F32, "batch", 2, 1, 2);
        net.output("y", bn.forward(x));
        Map<String, NdArray> feeds = new HashMap<>(net.initialValues(1));
        feeds.put("x", arr(new long[] {2, 2, 1, 2}, 1, 3, 10, 10, 5, 7, 20, 20));
        var r = Interpreter.run(net.build(), feeds);
        // Channel 0 holds 1, 3, 5, 7: mean 4, biased variance 5, unbiased 20/3.
        assertEquals(0.4, r.updatedParameters().get("runningMean").get(0), 1e-7);
        assertEquals(0.9 + 0.1 * 20 / 3, r.updatedParameters().get("runningVar").get(0), 1e-6);
        assertEquals(-3 / Math.sqrt(5 + 1e-5), r.outputs().get("y").get(0), 1e-6);
    }
}
