package dev.javelin.compiler.cpu;

import dev.javelin.compiler.KernelKinds;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential fuzzing of the CPU backend: random valid graphs (every primitive the generator
 * knows: broadcasting, views, reductions, matmul, convolution, pooling, gather, scatter, pad,
 * concat) compiled fused and unfused, generated as Java, compiled with javac and run on two
 * threads must give the float64 interpreter's outputs and parameter updates: integers and bools
 * exactly, floats within 1e-4 of the tensor's largest magnitude (at least 1). Failures shrink to
 * the fewest steps. {@value #GRAPHS} graphs per run; seeds as in the compiler's fuzz test
 * ({@code JAVELIN_FUZZ_SEED}).
 */
class CpuFuzzTest {
    static final int GRAPHS = 120;
    private static final CpuPool POOL = new CpuPool(2);

    static long masterSeed() {
        return RandomGraphs.masterSeed(20261127L);
    }

    @BeforeAll
    static void logSeed() {
        System.out.println("CpuFuzzTest: " + GRAPHS + " graphs from seed " + masterSeed()
                + " (rerun with JAVELIN_FUZZ_SEED=" + masterSeed() + ")");
    }

    @AfterAll
    static void close() {
        POOL.close();
    }

    static LongStream seeds() {
        return RandomGraphs.seeds(masterSeed() ^ 0x5DEECE66DL, GRAPHS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void cpuKernelsMatchTheInterpreter(long seed) {
        long batch = 1 + Math.floorMod(seed, 3L);
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed >> 8, 30L), steps -> {
            Graph g = RandomGraphs.generate(seed, steps);
            Map<String, NdArray> feeds = RandomGraphs.feeds(g, seed, (int) batch);
            Interpreter.Result want = Interpreter.run(g, feeds);
            for (boolean fused : new boolean[] {true, false}) {
                PassOptions options = fused
                        ? PassOptions.verifying()
                        : PassOptions.verifying().withDisabled(Pipeline.FUSE);
                Compilation c = Pipeline.compile(g, Map.of("batch", batch), options);
                String where =
                        (fused ? "fused" : "unfused") + " plan\n" + dev.javelin.ir.plan.PlanPrinter.print(c.plan());
                CpuExecutor ex = CpuBackend.compile(c.plan(), null, s -> {}).executor(POOL);
                Feeds.setAll(ex, g, feeds);
                ex.run();
                double tol = tolerance(g);
                want.outputs()
                        .forEach((name, v) -> KernelKinds.compare("output " + name, v, ex, "output", name, tol, where));
                want.updatedParameters()
                        .forEach((name, v) ->
                                KernelKinds.compare("assigned " + name, v, ex, "parameter", name, tol, where));
            }
        });
    }

    /** The largest finite magnitude of {@code a}, at least 1: what float tolerances are relative to. */

    /**
     * The relative tolerance for float results: the interpreter computes in float64 whatever the
     * declared precision, the CPU rounds every result to its dtype, so any result (an f64 one too)
     * may carry the error of the least precise float dtype its graph computes in (DESIGN.md: f32
     * 1e-4, f16 about 1e-3, bf16 1.6e-2; f64 alone 1e-9).
     */
    static double tolerance(Graph g) {
        boolean bf16 = g.nodes().stream().anyMatch(n -> n.type().dtype() == DType.BF16);
        boolean f16 = g.nodes().stream().anyMatch(n -> n.type().dtype() == DType.F16);
        boolean f32 = g.nodes().stream().anyMatch(n -> n.type().dtype() == DType.F32);
        return bf16 ? 1.6e-2 : f16 ? 2e-3 : f32 ? 1e-4 : 1e-9;
    }
}
