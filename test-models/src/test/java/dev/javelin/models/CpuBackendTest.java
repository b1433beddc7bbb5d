package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every test model, inference and training step, fused and unfused (and NHWC), compiled to Java
 * Vector API kernels, run by the CPU executor on two threads: outputs and parameter updates match
 * the float64 graph interpreter to a relative error under 1e-4 (the largest difference over the
 * tensor's largest magnitude, at least 1e-6). The training steps use SGD with learning rate 1, so
 * each updated parameter shows its whole gradient. With Adam, the first step moves every weight by
 * about {@code lr * g / |g|}, which amplifies fp32 rounding of gradients near zero without bound;
 * there the optimizer state (m, v) and the loss are held to 1e-4, and each weight to 1% of a step
 * where its gradient is at least 1e-3 of the tensor's largest (elsewhere the step's sign is rounding
 * noise in float64 and float32 alike, e.g. the key bias of attention, whose true gradient is zero).
 */
class CpuBackendTest {
    private static final CpuPool POOL = new CpuPool(2);

    @TempDir
    static Path cache;

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    static Stream<Arguments> cases() {
        return ModelCases.all();
    }

    @ParameterizedTest(name = "{0} train={1} fused={2} layout={3}")
    @MethodSource("cases")
    void cpuKernelsMatchTheGraphInterpreter(String model, boolean train, boolean fused, String layout) {
        TrainingModel m = new TestModels().create(model);
        Trainer t = new Trainer(m, Optimizer.sgd(), 3, null, Backend.INTERPRETER);
        Graph g = train ? t.trainGraph() : t.evalGraph();
        int batch = 5;
        Map<String, NdArray> feeds = ModelCases.feeds(g, t, m, batch, 1.0);
        PassOptions options = ModelCases.options(fused, layout);
        CpuExecutor ex = run(g, feeds, options, batch);
        Interpreter.Result want = Interpreter.run(g, feeds);
        want.outputs().forEach((name, v) -> assertClose(model + " output " + name, v, ex.get("output", name), 1e-4));
        want.updatedParameters()
                .forEach((name, v) -> assertClose(model + " updated " + name, v, ex.get("parameter", name), 1e-4));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"mnist-mlp", "lenet5", "transformer-block"})
    void anAdamStepMatchesTheGraphInterpreter(String model) {
        TrainingModel m = new TestModels().create(model);
        Trainer t = new Trainer(m, Optimizer.adam(), 3, null, Backend.INTERPRETER);
        Graph g = t.trainGraph();
        double lr = 1e-3;
        Map<String, NdArray> feeds = new HashMap<>(t.state());
        feeds.putAll(m.syntheticBatch(5, 11));
        feeds.put("lr", NdArray.scalar(DType.F32, lr));
        CpuExecutor ex = run(g, feeds, PassOptions.verifying(), 5);
        Interpreter.Result want = Interpreter.run(g, feeds);
        want.outputs().forEach((name, v) -> assertClose(model + " output " + name, v, ex.get("output", name), 1e-4));
        want.updatedParameters().forEach((name, v) -> {
            float[] got = ex.get("parameter", name);
            if (name.startsWith("adam.")) {
                assertClose(model + " updated " + name, v, got, 1e-4);
            } else {
                NdArray moment = want.updatedParameters().get("adam.m." + name);
                double largest = 0;
                for (int i = 0; i < moment.size(); i++) {
                    largest = Math.max(largest, Math.abs(moment.get(i)));
                }
                for (int i = 0; i < got.length; i++) {
                    if (Math.abs(moment.get(i)) < Math.max(1e-3 * largest, 1e-9)) {
                        continue;
                    }
                    assertTrue(
                            Math.abs(v.get(i) - got[i]) <= 0.01 * lr,
                            model + " updated " + name + "[" + i + "]: want " + v.get(i) + ", got " + got[i]);
                }
            }
        });
    }

    private static CpuExecutor run(Graph g, Map<String, NdArray> feeds, PassOptions options, int batch) {
        Compilation c = Pipeline.compile(g, Map.of("batch", (long) batch), options);
        CpuBackend.Compiled compiled = CpuBackend.compile(c.plan(), cache, s -> {});
        CpuExecutor ex = compiled.executor(POOL);
        Feeds.setAll(ex, g, feeds);
        ex.run();
        return ex;
    }

    static void assertClose(String what, NdArray want, float[] got, double tolerance) {
        assertEquals(want.size(), got.length, what);
        double scale = 0;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < got.length; i++) {
            scale = Math.max(scale, Math.abs(want.get(i)));
            double d = Math.abs(want.get(i) - got[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        double rel = worst / Math.max(scale, 1e-6);
        assertTrue(
                rel < tolerance || worst == 0,
                what + ": relative error " + rel + " at [" + at + "]: want " + (at < 0 ? "" : want.get(at)) + ", got "
                        + (at < 0 ? "" : got[at]));
    }
}
