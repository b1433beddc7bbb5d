package dev.javelin.compiler.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.cuda.host.HostHarness;
import dev.javelin.compiler.KernelKinds;
import dev.javelin.compiler.KernelKinds.Case;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaExecutor;
import dev.javelin.runtime.cuda.CudaProgram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel kind of the CUDA backend on shapes that exercise its templates' edges (odd sizes,
 * partial tiles and K steps, several blocks, each GEMM tile size of 32, 64 and 128), generated as
 * CUDA and run on the CPU by the host-execution harness, against the float64 interpreter.
 * Grid-stride loops run with at most 8 blocks here, so threads also walk several elements.
 */
class CudaKernelKindsTest {
    private static final long HOST_GRID = 8;

    @BeforeAll
    static void needsTheHarness() {
        Assumptions.assumeTrue(
                HostHarness.available(), "the CUDA host harness cannot run here: " + HostHarness.unavailableReason());
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        out.add(new Case("pointwise 17x37", KernelKinds.pointwise(17, 37)));
        out.add(new Case("pointwise 1x1", KernelKinds.pointwise(1, 1)));
        out.add(new Case("reduce inner 33x37", KernelKinds.reduce(33, 37, 1)));
        out.add(new Case("reduce outer 37x300", KernelKinds.reduce(37, 300, 0)));
        out.add(new Case("reduce inner 3x1000", KernelKinds.reduce(3, 1000, 1)));
        out.add(new Case("softmax 37x301", KernelKinds.softmax(37, 301)));
        out.add(new Case("matmul 17x37x54", KernelKinds.matmul(17, 37, 54, false)));
        out.add(new Case("matmul transposed 33x19x70", KernelKinds.matmul(33, 19, 70, true)));
        // Tile 64: at least 264 blocks of 64x64; tile 128: 264 of 128x128; K = 19 is three steps.
        out.add(new Case("matmul tile 64 1040x19x1090", KernelKinds.matmul(1040, 19, 1090, false)));
        out.add(new Case("matmul tile 128 2070x19x2090", KernelKinds.matmul(2070, 19, 2090, true)));
        out.add(new Case("batched matmul, broadcast batch", batched()));
        out.add(new Case("gather/scatter 17x37", KernelKinds.gatherScatter(17, 37)));
        out.add(new Case("argmax 5x33x7", argmax()));
        out.add(new Case("update 33x37", KernelKinds.update(33, 37)));
        out.add(new Case("conv nchw 17", KernelKinds.conv(17, Layout.NCHW)));
        out.add(new Case("conv nhwc 3", KernelKinds.conv(3, Layout.NHWC)));
        return out.stream();
    }

    /** [3, 2, 5, 7] x [2, 7, 9]: the second operand broadcast over the leading batch axis. */
    static Graph batched() {
        GraphBuilder g = new GraphBuilder("bmm");
        Value a = g.input("a", KernelKinds.f32(3, 2, 5, 7));
        Value b = g.parameter("b", KernelKinds.f32(2, 7, 9));
        g.output("y", g.add(new MatMul(false, false), a, b));
        return g.build();
    }

    static Graph argmax() {
        GraphBuilder g = new GraphBuilder("argmax");
        Value x = g.input("x", KernelKinds.f32(5, 33, 7));
        g.output("i", g.add(new ArgMax(1, false), x));
        g.output("m", g.reduce(ReduceFn.MAX, x, false, 1));
        return g.build();
    }

    /** {@code g} compiled (verifying) to CUDA and run by the host-execution harness. */
    private static CudaExecutor onHost(Graph g) {
        var plan = Pipeline.compile(g, Map.of(), PassOptions.verifying()).plan();
        CudaProgram program = CudaCodegen.generate(plan, HOST_GRID);
        return new CudaExecutor(
                program,
                HostHarness.compile(program.source()).runner(program.layout().memoryBytes()));
    }

    @Test
    void aBadGatherIndexIsAnErrorNamingTheNodeNotASilentRead() {
        Graph g = KernelKinds.gatherScatter(17, 3);
        Map<String, NdArray> feeds = KernelKinds.feeds(g, 1);
        feeds.get("idx").setLong(2, 99);
        try (CudaExecutor ex = onHost(g)) {
            Feeds.setAll(ex, g, feeds);
            var e = assertThrows(IndexOutOfBoundsException.class, ex::run);
            assertTrue(e.getMessage().contains("an index out of range"), e.getMessage());
            assertTrue(e.getMessage().contains("index 99 at position 2 is outside [0, 17)"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheInterpreter(Case c) {
        Graph g = c.graph();
        Map<String, NdArray> feeds = KernelKinds.feeds(g, c.name().hashCode());
        Interpreter.Result want = Interpreter.run(g, feeds);
        try (CudaExecutor ex = onHost(g)) {
            Feeds.setAll(ex, g, feeds);
            ex.run();
            String where = "cuda (host harness) " + c.name();
            want.outputs().forEach((name, v) -> KernelKinds.compare(name, v, ex, "output", name, 1e-4, where));
            want.updatedParameters()
                    .forEach((name, v) -> KernelKinds.compare(name, v, ex, "parameter", name, 1e-4, where));
        }
    }
}
