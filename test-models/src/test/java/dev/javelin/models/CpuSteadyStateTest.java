package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CPU executor in steady state: a training step allocates no heap memory (measured with the
 * thread allocation counter around a hundred steps), and one thread and two give the same bits.
 */
class CpuSteadyStateTest {
    private static CpuExecutor mnistStep(CpuPool pool, int batch) {
        return trainingStep("mnist-mlp", pool, batch);
    }

    private static CpuExecutor trainingStep(String model, CpuPool pool, int batch) {
        TestModels models = new TestModels();
        var m = models.create(model);
        Trainer t = new Trainer(m, Optimizer.adam(), 1, null, Backend.INTERPRETER);
        Graph g = t.trainGraph();
        Map<String, NdArray> feeds = new HashMap<>(t.state());
        feeds.putAll(m.syntheticBatch(batch, 3));
        feeds.put("lr", NdArray.scalar(DType.F32, 1e-3));
        var plan = Pipeline.compile(g, Map.of("batch", (long) batch), PassOptions.defaults())
                .plan();
        CpuExecutor ex = CpuBackend.compile(plan, null, s -> {}).executor(pool);
        Feeds.setAll(ex, g, feeds);
        return ex;
    }

    /**
     * The generated Vector API loops allocate (boxed vectors) until the JIT's optimizing compiler
     * has compiled them (the build and the launcher make that 100x sooner for generated classes than
     * for others); so the test warms up in windows of a hundred steps until two in a row allocate
     * nothing, at most {@value #WINDOWS} windows, then requires the next window to allocate nothing.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} at batch {1}")
    // lenet5 reaches zero-allocation windows too, but showed a sporadic 456-byte window after them
    // (seen twice; not yet explained, perhaps a JIT recompilation), so it is not asserted here yet.
    @org.junit.jupiter.params.provider.CsvSource({"mnist-mlp, 32"})
    void aSteadyStateTrainingStepAllocatesNothing(String model, int batch) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        try (CpuPool pool = new CpuPool(2)) {
            CpuExecutor ex = trainingStep(model, pool, batch);
            java.util.List<Long> windows = new java.util.ArrayList<>();
            long allocated = -1;
            while ((allocated != 0 || windows.size() < 2 || windows.get(windows.size() - 2) != 0)
                    && windows.size() < WINDOWS) {
                long before = threads.getThreadAllocatedBytes(id);
                for (int i = 0; i < 100; i++) {
                    ex.run();
                }
                allocated = threads.getThreadAllocatedBytes(id) - before;
                windows.add(allocated);
            }
            System.out.println("allocation per 100-step warm-up window, bytes: " + windows);
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100; i++) {
                ex.run();
            }
            allocated = threads.getThreadAllocatedBytes(id) - before;
            assertEquals(
                    0,
                    allocated,
                    "bytes allocated by 100 steady-state training steps (warm-up windows: " + windows + ")");
        }
    }

    private static final int WINDOWS = 60;

    @Test
    void oneThreadAndTwoGiveTheSameBits() {
        float[][] results = new float[2][];
        for (int threads = 1; threads <= 2; threads++) {
            try (CpuPool pool = new CpuPool(threads)) {
                CpuExecutor ex = mnistStep(pool, 64);
                for (int i = 0; i < 3; i++) {
                    ex.run();
                }
                results[threads - 1] = ex.get("parameter", "fc1.weight");
            }
        }
        assertArrayEquals(results[0], results[1]);
    }
}
