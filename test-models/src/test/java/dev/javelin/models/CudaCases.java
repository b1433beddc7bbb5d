package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaExecutor;
import dev.javelin.runtime.cuda.CudaProgram;
import dev.javelin.runtime.cuda.KernelRunner;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The whole-model checks of the CUDA backend, shared by the host-harness tests (CI) and the GPU
 * tests: a case of {@link ModelCases} or an Adam step, generated as CUDA, run on a runner, compared
 * with the float64 interpreter as {@link CpuBackendTest} compares the CPU backend.
 */
final class CudaCases {
    private CudaCases() {}

    /** Makes the runner for a generated program (the harness or a GPU). */
    interface Runners extends Function<CudaProgram, KernelRunner> {}

    static void matrixCase(String model, boolean train, boolean fused, String layout, long maxGrid, Runners runners) {
        TrainingModel m = new TestModels().create(model);
        Trainer t = new Trainer(m, Optimizer.sgd(), 3, null, Backend.INTERPRETER);
        Graph g = train ? t.trainGraph() : t.evalGraph();
        int batch = 5;
        Map<String, NdArray> feeds = ModelCases.feeds(g, t, m, batch, 1.0);
        Interpreter.Result want = Interpreter.run(g, feeds);
        try (CudaExecutor ex = run(g, feeds, ModelCases.options(fused, layout), batch, maxGrid, runners)) {
            want.outputs()
                    .forEach((name, v) ->
                            CpuBackendTest.assertClose(model + " output " + name, v, ex.get("output", name), 1e-4));
            want.updatedParameters()
                    .forEach((name, v) ->
                            CpuBackendTest.assertClose(model + " updated " + name, v, ex.get("parameter", name), 1e-4));
        }
    }

    /** One Adam step: optimizer state and loss to 1e-4, each weight within 1% of a step (see CpuBackendTest). */
    static void adamStep(String model, long maxGrid, Runners runners) {
        TrainingModel m = new TestModels().create(model);
        Trainer t = new Trainer(m, Optimizer.adam(), 3, null, Backend.INTERPRETER);
        Graph g = t.trainGraph();
        double lr = 1e-3;
        Map<String, NdArray> feeds = new HashMap<>(t.state());
        feeds.putAll(m.syntheticBatch(5, 11));
        feeds.put("lr", NdArray.scalar(DType.F32, lr));
        Interpreter.Result want = Interpreter.run(g, feeds);
        try (CudaExecutor ex =
                run(g, feeds, dev.javelin.passes.pipeline.PassOptions.verifying(), 5, maxGrid, runners)) {
            want.outputs()
                    .forEach((name, v) ->
                            CpuBackendTest.assertClose(model + " output " + name, v, ex.get("output", name), 1e-4));
            want.updatedParameters().forEach((name, v) -> {
                float[] got = ex.get("parameter", name);
                if (name.startsWith("adam.")) {
                    CpuBackendTest.assertClose(model + " updated " + name, v, got, 1e-4);
                    return;
                }
                NdArray moment = want.updatedParameters().get("adam.m." + name);
                double largest = 0;
                for (int i = 0; i < moment.size(); i++) {
                    largest = Math.max(largest, Math.abs(moment.get(i)));
                }
                for (int i = 0; i < got.length; i++) {
                    if (Math.abs(moment.get(i)) >= Math.max(1e-3 * largest, 1e-9)) {
                        assertTrue(
                                Math.abs(v.get(i) - got[i]) <= 0.01 * lr,
                                model + " updated " + name + "[" + i + "]: want " + v.get(i) + ", got " + got[i]);
                    }
                }
            });
        }
    }

    static CudaExecutor run(
            Graph g,
            Map<String, NdArray> feeds,
            dev.javelin.passes.pipeline.PassOptions options,
            int batch,
            long maxGrid,
            Runners runners) {
        var plan = Pipeline.compile(
                        g,
                        Map.of("batch", (long) batch),
                        options.withFusionVeto(dev.javelin.passes.fuse.FusionVeto.forTarget("cuda")))
                .plan();
        CudaProgram program = CudaCodegen.generate(plan, maxGrid);
        CudaExecutor ex = new CudaExecutor(program, runners.apply(program));
        Feeds.setAll(ex, g, feeds);
        ex.run();
        return ex;
    }
}
