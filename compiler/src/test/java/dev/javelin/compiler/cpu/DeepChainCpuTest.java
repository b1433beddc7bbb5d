package dev.javelin.compiler.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.compiler.KernelKinds;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.fuse.Fusion;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Long chains of fused pointwise ops through the whole CPU path (passes, code generator, javac,
 * run) on a default thread stack: the recursive expression builders once overflowed the stack at
 * about a thousand ops, and a single kernel of them would pass the JVM's method size limit. Fusion
 * now cuts the chain into kernels of at most {@link Fusion#MAX_GROUP_NODES} nodes.
 */
class DeepChainCpuTest {
    private static final CpuPool POOL = new CpuPool(2);

    @AfterAll
    static void close() {
        POOL.close();
    }

    @ParameterizedTest(name = "{0} ops")
    @ValueSource(ints = {1_000, 100_000})
    void aLongChainCompilesAndMatchesTheInterpreter(int length) {
        Graph g = KernelKinds.chain(length);
        Map<String, NdArray> feeds = KernelKinds.feeds(g, length);
        Interpreter.Result want = Interpreter.run(g, feeds);
        var plan = Pipeline.compile(g, Map.of(), PassOptions.verifying()).plan();
        assertEquals(
                (length + Fusion.MAX_GROUP_NODES - 1) / Fusion.MAX_GROUP_NODES,
                plan.kernels().size());
        CpuExecutor ex = CpuBackend.compile(plan, null, s -> {}).executor(POOL);
        Feeds.setAll(ex, g, feeds);
        ex.run();
        want.outputs().forEach((name, v) -> KernelKinds.compare(name, v, ex, "output", name, 1e-4, length + " ops"));
    }

    /**
     * The unfused plan of a long chain, one kernel per op: one {@code switch} over 7,000 kernels in
     * {@code run} and {@code kernelName} was "code too large" for javac; they now dispatch through
     * blocks of {@code ClassParts.DISPATCH_BLOCK} kernels.
     */
    @Test
    void anUnfusedChainOfSevenThousandKernelsCompilesAndMatchesTheInterpreter() {
        Graph g = KernelKinds.chain(7_000);
        Map<String, NdArray> feeds = KernelKinds.feeds(g, 7);
        Interpreter.Result want = Interpreter.run(g, feeds);
        var plan = Pipeline.compile(g, Map.of(), PassOptions.defaults().withDisabled(Pipeline.FUSE))
                .plan();
        assertEquals(7_000, plan.kernels().size());
        CpuExecutor ex = CpuBackend.compile(plan, null, s -> {}).executor(POOL);
        Feeds.setAll(ex, g, feeds);
        ex.run();
        want.outputs().forEach((name, v) -> KernelKinds.compare(name, v, ex, "output", name, 1e-4, "unfused"));
    }

    /**
     * A transpose between every two tanh: each transpose is folded into the expression as an index
     * map, one more level of it, so the cap counts it and a kernel holds 128 of each.
     */
    @Test
    void aChainThroughFoldedTransposesCompilesAndMatchesTheInterpreter() {
        GraphBuilder b = new GraphBuilder("transposes");
        Value v = b.input("x", KernelKinds.f32(5, 5));
        for (int i = 0; i < 1_000; i++) {
            v = b.unary(UnaryFn.TANH, b.permute(v, 1, 0));
        }
        Graph g = b.output("y", v).build();
        Map<String, NdArray> feeds = KernelKinds.feeds(g, 3);
        Interpreter.Result want = Interpreter.run(g, feeds);
        var plan = Pipeline.compile(g, Map.of(), PassOptions.verifying()).plan();
        assertEquals(2_000 / Fusion.MAX_GROUP_NODES + 1, plan.kernels().size());
        CpuExecutor ex = CpuBackend.compile(plan, null, s -> {}).executor(POOL);
        Feeds.setAll(ex, g, feeds);
        ex.run();
        want.outputs().forEach((name, v2) -> KernelKinds.compare(name, v2, ex, "output", name, 1e-4, "transposes"));
    }
}
