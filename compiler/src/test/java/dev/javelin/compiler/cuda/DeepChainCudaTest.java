package dev.javelin.compiler.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.cuda.host.HostHarness;
import dev.javelin.codegen.cuda.toolchain.CompiledModule;
import dev.javelin.codegen.cuda.toolchain.CudaCompilerUnavailableException;
import dev.javelin.codegen.cuda.toolchain.NvccCompiler;
import dev.javelin.compiler.KernelKinds;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.fuse.Fusion;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaExecutor;
import dev.javelin.runtime.cuda.CudaProgram;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Long chains of fused pointwise ops through the CUDA code generator on a default thread stack: its
 * expression printer once overflowed the stack at about a thousand ops. Fusion cuts the chain into
 * kernels of at most {@link Fusion#MAX_GROUP_NODES} nodes, so each function stays a size nvcc takes.
 */
class DeepChainCudaTest {
    @Test
    void aChainOfAHundredThousandOpsRendersOneFunctionPerCappedKernel() {
        var plan = Pipeline.compile(KernelKinds.chain(100_000), Map.of(), PassOptions.verifying())
                .plan();
        CudaProgram program = CudaCodegen.generate(plan);
        int kernels = (100_000 + Fusion.MAX_GROUP_NODES - 1) / Fusion.MAX_GROUP_NODES;
        assertEquals(kernels, plan.kernels().size());
        assertEquals(kernels, count(program.source(), "__global__"), "one function per kernel");
    }

    @Test
    void aChainOfAThousandOpsRunsOnTheHostHarnessLikeTheInterpreter() {
        Assumptions.assumeTrue(
                HostHarness.available(), "the CUDA host harness cannot run here: " + HostHarness.unavailableReason());
        Graph g = KernelKinds.chain(1_000);
        Map<String, NdArray> feeds = KernelKinds.feeds(g, 1_000);
        Interpreter.Result want = Interpreter.run(g, feeds);
        var plan = Pipeline.compile(g, Map.of(), PassOptions.verifying()).plan();
        CudaProgram program = CudaCodegen.generate(plan, 8);
        try (CudaExecutor ex = new CudaExecutor(
                program,
                HostHarness.compile(program.source()).runner(program.layout().memoryBytes()))) {
            Feeds.setAll(ex, g, feeds);
            ex.run();
            want.outputs()
                    .forEach((name, v) ->
                            KernelKinds.compare(name, v, ex, "output", name, 1e-4, "1000 ops on the host"));
        }
    }

    @Test
    void aChainOfAThousandOpsCompilesWithNvcc() {
        NvccCompiler nvcc;
        try {
            nvcc = NvccCompiler.open(Optional.empty());
        } catch (CudaCompilerUnavailableException e) {
            Assumptions.abort("no nvcc here, the check is skipped: " + e.getMessage());
            return;
        }
        var plan = Pipeline.compile(KernelKinds.chain(1_000), Map.of(), PassOptions.verifying())
                .plan();
        CompiledModule module = nvcc.compile(
                CudaCodegen.generate(plan).source(), "chain.cu", "sm_80", List.of("-Werror", "all-warnings"));
        assertTrue(module.image().length > 0, "nvcc wrote an empty module:\n" + module.log());
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
