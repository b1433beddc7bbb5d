package dev.javelin.passes.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.autodiff.Autodiff;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.PassRun;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chains of 100,000 nodes through every graph pass, fusion, lowering, scheduling and memory planning
 * (verifying after each, with the text round trip of every graph and plan) on a default thread
 * stack, and the plan they give against the interpreter. Fusion once made one kernel of a whole
 * pointwise chain (which no code generator could take) and needed time quadratic in its length.
 */
class DeepChainTest {
    private static final int LENGTH = 100_000;

    /** tanh, a scale by a constant and a row-broadcast parameter in turn. */
    static Graph pointwiseChain(int length) {
        GraphBuilder g = chain(length);
        g.output("y", g.value(g.nodes().getLast()));
        return g.build();
    }

    private static GraphBuilder chain(int length) {
        GraphBuilder g = new GraphBuilder("chain");
        Value x = g.input("x", TensorType.of(DType.F32, 4, 17));
        Value p = g.parameter("p", TensorType.of(DType.F32, 17));
        Value v = x;
        for (int i = 0; i < length; i++) {
            v = switch (i % 3) {
                case 0 -> g.unary(UnaryFn.TANH, v);
                case 1 -> g.binary(BinaryFn.MUL, v, g.scalar(DType.F32, 0.9));
                default -> g.binary(BinaryFn.ADD, v, p);
            };
        }
        return g;
    }

    private static Compilation compileAndCompare(Graph g, PassOptions options) {
        Compilation c = Pipeline.compile(g, Map.of(), options);
        var feeds = RandomGraphs.feeds(g, 7, 4);
        assertEquals(Interpreter.run(g, feeds), PlanInterpreter.run(c.plan(), feeds));
        return c;
    }

    @Test
    void aPointwiseChainBecomesARunOfCappedKernels() {
        Compilation c = compileAndCompare(pointwiseChain(LENGTH), PassOptions.verifying());
        int kernels = (LENGTH + Fusion.MAX_GROUP_NODES - 1) / Fusion.MAX_GROUP_NODES;
        assertEquals(kernels, c.plan().kernels().size());
        for (Kernel k : c.plan().kernels()) {
            // Constants are copied into each kernel that uses them; they are no group's members.
            long computed =
                    k.body().stream().filter(n -> !(n.op() instanceof Constant)).count();
            assertTrue(computed <= Fusion.MAX_GROUP_NODES, k.name() + " computes " + computed + " nodes");
        }
        PassRun fuse = PassRun.named(c.runs(), Pipeline.FUSE);
        assertEquals(kernels - 1, fuse.counter("rejected-size"), fuse.line());
        // Each kernel writes its last value, which the next reads and overwrites in place.
        PassRun memory = PassRun.named(c.runs(), Pipeline.PLAN_MEMORY);
        assertEquals(kernels - 1, memory.counter("in-place"), memory.line());
    }

    /** One SGD step on the chain's parameter: its backward pass is as long, with a reduction per add. */
    @Test
    void aTrainingStepOnATenThousandOpChainCompilesAndMatchesTheInterpreter() {
        GraphBuilder g = chain(10_000);
        Value y = g.value(g.nodes().getLast());
        Value p = g.value(g.nodes().get(1));
        Value loss = g.reduce(ReduceFn.SUM, g.binary(BinaryFn.MUL, y, y), false, 0, 1);
        Value grad = Autodiff.gradients(g, loss, List.of(p)).getFirst();
        g.assign(p, g.binary(BinaryFn.SUB, p, g.binary(BinaryFn.MUL, grad, g.scalar(DType.F32, 0.01))));
        g.output("loss", loss);
        Compilation c = compileAndCompare(g.build(), PassOptions.verifying());
        for (Kernel k : c.plan().kernels()) {
            long computed =
                    k.body().stream().filter(n -> !(n.op() instanceof Constant)).count();
            assertTrue(computed <= Fusion.MAX_GROUP_NODES, k.name() + " computes " + computed + " nodes");
        }
    }

    @Test
    void aLongChainOfViewsIsRecomputedInStretchesOfAtMostTheCap() {
        GraphBuilder g = new GraphBuilder("views");
        Value v = g.input("x", TensorType.of(DType.F32, 4, 17));
        for (int i = 0; i < LENGTH; i++) {
            v = g.reshape(v, i % 2 == 0 ? Shape.of(68) : Shape.of(4, 17));
        }
        g.output("y", g.unary(UnaryFn.TANH, v));
        // Without the identities the reshapes stay: nothing else would keep such a chain.
        Compilation c = compileAndCompare(g.build(), PassOptions.verifying().withDisabled("identities"));
        PassRun fuse = PassRun.named(c.runs(), Pipeline.FUSE);
        long computed = LENGTH / (Fusion.MAX_FOLDED_CHAIN + 1);
        assertEquals(LENGTH - computed, fuse.counter("folded-views"), fuse.line());
    }
}
