package dev.javelin.passes.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.autodiff.Autodiff;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The compile-time benchmark: a training step of at least 1,000 nodes, all live (a deep MLP with
 * a row-sum centring (layer-norm-like) per layer, softmax cross-entropy, its gradients and an SGD update of every
 * parameter) through the whole pipeline, graph passes to memory-planned plan, fused, with
 * production options (no verification, and the tests' self-check switched off). Five warm-up runs first (the first, cold one is printed
 * too), then the median, min and max of timed runs are printed; the median must be under a second.
 */
class CompileSpeedTest {
    /** {@code layers} hidden layers of width 64 over a symbolic batch, trained by SGD. */
    static Graph deepMlpTrainingStep(int layers) {
        GraphBuilder b = new GraphBuilder("deep_mlp_train_step");
        Value x = b.input("x", TensorType.dims(DType.F32, "batch", 64L));
        Value target = b.input("target", TensorType.dims(DType.F32, "batch", 64L));
        Value lr = b.input("lr", TensorType.of(DType.F32));
        List<Value> params = new ArrayList<>();
        Value h = x;
        for (int i = 0; i < layers; i++) {
            Value w = b.parameter("w" + i, TensorType.of(DType.F32, 64, 64));
            Value bias = b.parameter("b" + i, TensorType.of(DType.F32, 64));
            params.add(w);
            params.add(bias);
            Value z = b.binary(BinaryFn.ADD, b.matmul(h, w), bias);
            Value mean = b.reduce(ReduceFn.SUM, z, true, 1);
            Value centered = b.binary(BinaryFn.SUB, z, mean);
            h = b.unary(UnaryFn.TANH, centered);
        }
        Value max = b.reduce(ReduceFn.MAX, h, true, 1);
        Value shifted = b.binary(BinaryFn.SUB, h, max);
        Value logSum = b.unary(UnaryFn.LOG, b.reduce(ReduceFn.SUM, b.unary(UnaryFn.EXP, shifted), true, 1));
        Value logp = b.binary(BinaryFn.SUB, shifted, logSum);
        Value loss = b.unary(UnaryFn.NEG, b.reduce(ReduceFn.SUM, b.binary(BinaryFn.MUL, logp, target), false, 0, 1));
        List<Value> grads = Autodiff.gradients(b, loss, params);
        for (int i = 0; i < params.size(); i++) {
            b.assign(params.get(i), b.binary(BinaryFn.SUB, params.get(i), b.binary(BinaryFn.MUL, grads.get(i), lr)));
        }
        b.output("loss", loss);
        return b.build();
    }

    @Test
    void aThousandNodeGraphCompilesInUnderASecond() {
        // Production settings: the tests' self-check (verify and round-trip every plan) is off here.
        String selfCheck = System.getProperty("javelin.ir.selfcheck");
        System.setProperty("javelin.ir.selfcheck", "false");
        try {
            measure();
        } finally {
            if (selfCheck == null) {
                System.clearProperty("javelin.ir.selfcheck");
            } else {
                System.setProperty("javelin.ir.selfcheck", selfCheck);
            }
        }
    }

    private static void measure() {
        Graph g = deepMlpTrainingStep(48);
        assertTrue(g.nodes().size() >= 1000, "graph has only " + g.nodes().size() + " nodes");
        Map<String, Long> sizes = Map.of("batch", 32L);
        long coldStart = System.nanoTime();
        Pipeline.compile(g, sizes, PassOptions.defaults());
        double cold = (System.nanoTime() - coldStart) / 1e6;
        for (int i = 0; i < 4; i++) {
            Pipeline.compile(g, sizes, PassOptions.defaults());
        }
        long[] nanos = new long[7];
        int kernels = 0;
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            kernels = Pipeline.compile(g, sizes, PassOptions.defaults())
                    .plan()
                    .kernels()
                    .size();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        double median = nanos[nanos.length / 2] / 1e6;
        System.out.printf(
                Locale.ROOT,
                "compile benchmark: %d-node graph -> %d kernels: median %.1f ms (min %.1f, max %.1f) over %d runs"
                        + " after 5 warm-ups (the first, cold: %.1f ms)%n",
                g.nodes().size(),
                kernels,
                median,
                nanos[0] / 1e6,
                nanos[nanos.length - 1] / 1e6,
                nanos.length,
                cold);
        assertTrue(median < 1000, "median compile time " + median + " ms, expected under 1000 ms");
    }
}
