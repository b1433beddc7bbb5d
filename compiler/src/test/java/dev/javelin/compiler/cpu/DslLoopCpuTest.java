package dev.javelin.compiler.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.compiler.KernelKinds;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.fuse.Fusion;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model whose forward is a 500-iteration DSL loop, as an {@code @Model} would write it: 1,000
 * fused pointwise ops once overflowed the code generator's stack (inside {@code javac}, a fatal
 * build error); now fusion cuts them into kernels of at most {@link Fusion#MAX_GROUP_NODES} nodes.
 */
class DslLoopCpuTest {
    @Test
    void aFiveHundredIterationLoopCompilesAndMatchesTheInterpreter() {
        Net nn = new Net("loop");
        Tensor x = nn.input("x", DType.F32, 4, 17);
        for (int i = 0; i < 500; i++) {
            x = x.tanh().mul(2);
        }
        Graph g = nn.output("y", x).build();
        Map<String, NdArray> feeds = KernelKinds.feeds(g, 500);
        Interpreter.Result want = Interpreter.run(g, feeds);
        var plan = Pipeline.compile(g, Map.of(), PassOptions.verifying()).plan();
        try (CpuPool pool = new CpuPool(2)) {
            CpuExecutor ex = CpuBackend.compile(plan, null, s -> {}).executor(pool);
            Feeds.setAll(ex, g, feeds);
            ex.run();
            want.outputs()
                    .forEach((name, v) -> KernelKinds.compare(name, v, ex, "output", name, 1e-4, "500 iterations"));
        }
        assertEquals(4, plan.kernels().size(), "1,000 ops in kernels of at most " + Fusion.MAX_GROUP_NODES);
    }
}
