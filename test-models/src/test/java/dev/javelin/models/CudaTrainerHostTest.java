package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.cuda.host.HostHarness;
import dev.javelin.compiler.exec.ExecutorProgram;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.fuse.FusionVeto;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaExecutor;
import dev.javelin.runtime.cuda.CudaProgram;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The trainer on generated CUDA (run by the host harness), as {@code --backend cuda} drives it on a
 * GPU: parameters and Adam's state stay in the program's memory block across steps, the evaluation
 * program gets them when they changed. Four Adam steps and an evaluation of mnist-mlp match the
 * trainer on the float64 interpreter (loss within 1e-4 relative, logits within 1e-3 of the largest).
 */
class CudaTrainerHostTest {
    /** The CUDA backend with the host harness in place of a GPU. */
    static final class HostCudaBackend implements Backend {
        @Override
        public String name() {
            return "cuda (host harness)";
        }

        @Override
        public Program prepare(Graph g, Map<String, Long> sizes) {
            var plan = Pipeline.compile(g, sizes, PassOptions.defaults().withFusionVeto(FusionVeto.forTarget("cuda")))
                    .plan();
            CudaProgram p = CudaCodegen.generate(plan, 16);
            CudaExecutor ex = new CudaExecutor(
                    p, HostHarness.compile(p.source()).runner(p.layout().memoryBytes()));
            return new ExecutorProgram(ex, ex);
        }
    }

    @Test
    void adamStepsAndAnEvaluationMatchTheInterpreterTrainer() {
        Assumptions.assumeTrue(
                HostHarness.available(), "the CUDA host harness cannot run here: " + HostHarness.unavailableReason());
        TrainingModel model = new TestModels().create("mnist-mlp");
        try (Trainer want = new Trainer(model, Optimizer.adam(), 7, null, Backend.INTERPRETER);
                Trainer got = new Trainer(model, Optimizer.adam(), 7, null, new HostCudaBackend())) {
            for (int step = 0; step < 4; step++) {
                Map<String, NdArray> batch = model.syntheticBatch(6, 100 + step);
                double w = want.step(batch, 1e-3);
                double g = got.step(batch, 1e-3);
                assertTrue(Math.abs(w - g) <= 1e-4 * Math.abs(w), "step " + step + ": loss " + w + " vs " + g);
            }
            Map<String, NdArray> batch = model.syntheticBatch(6, 999);
            Map<String, NdArray> wantOut = want.evaluate(batch);
            String name = wantOut.keySet().iterator().next();
            NdArray w = wantOut.get(name);
            NdArray g = got.evaluate(batch).get(name);
            double scale = 0;
            for (int i = 0; i < w.size(); i++) {
                scale = Math.max(scale, Math.abs(w.get(i)));
            }
            for (int i = 0; i < w.size(); i++) {
                assertTrue(
                        Math.abs(w.get(i) - g.get(i)) <= 1e-3 * scale,
                        "logit " + i + ": " + w.get(i) + " vs " + g.get(i));
            }
        }
    }
}
