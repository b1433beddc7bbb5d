package dev.javelin.compiler.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.simd.CpuCodegen;
import dev.javelin.compiler.KernelKinds;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.kernel.KernelInterpreter;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanPrinter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential fuzzing of the kernel IR itself: random valid graphs compiled fused and unfused,
 * lowered by each backend (CPU and CUDA lower differently), and the lowered stages run by {@link
 * KernelInterpreter} over the backend's memory layout (in-place writes, updates over parameters,
 * scratch in arena gaps) must give the graph interpreter's outputs and parameter updates, with the
 * tolerances of {@link CpuFuzzTest}. This checks lowering apart from any renderer. Seeds as in the
 * other fuzz tests ({@code JAVELIN_FUZZ_SEED}); failures shrink to the fewest steps.
 */
class KernelIrFuzzTest {
    static final int GRAPHS = 80;

    @BeforeAll
    static void logSeed() {
        System.out.println("KernelIrFuzzTest: " + GRAPHS + " graphs from seed " + CpuFuzzTest.masterSeed()
                + " (rerun with JAVELIN_FUZZ_SEED=" + CpuFuzzTest.masterSeed() + ")");
    }

    static LongStream seeds() {
        return RandomGraphs.seeds(CpuFuzzTest.masterSeed() ^ 0x4B49524CL, GRAPHS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void loweredKernelsMatchTheInterpreter(long seed) {
        long batch = 1 + Math.floorMod(seed, 3L);
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed >> 8, 30L), steps -> {
            Graph g = RandomGraphs.generate(seed, steps);
            Map<String, NdArray> feeds = RandomGraphs.feeds(g, seed, (int) batch);
            Interpreter.Result want = Interpreter.run(g, feeds);
            double tol = CpuFuzzTest.tolerance(g);
            for (boolean fused : new boolean[] {true, false}) {
                PassOptions options = fused
                        ? PassOptions.verifying()
                        : PassOptions.verifying().withDisabled(Pipeline.FUSE);
                Plan plan = Pipeline.compile(g, Map.of("batch", batch), options).plan();
                check("cpu", CpuCodegen::lower, plan, feeds, want, tol, fused);
                check("cuda", CudaCodegen::lower, plan, feeds, want, tol, fused);
            }
        });
    }

    private static void check(
            String target,
            Function<Plan, KernelInterpreter.Lowered> lower,
            Plan plan,
            Map<String, NdArray> feeds,
            Interpreter.Result want,
            double tol,
            boolean fused) {
        KernelInterpreter.Lowered lowered;
        try {
            lowered = lower.apply(plan);
        } catch (UnsupportedKernelException e) {
            assertEquals("cuda", target, "the CPU lowers every plan: " + e.getMessage());
            return; // what CUDA cannot lower (f16, bf16) it says so; CudaKernelKindsTest covers the rest
        }
        Interpreter.Result got = KernelInterpreter.run(plan, lowered, feeds);
        String where = target + ", " + (fused ? "fused" : "unfused") + " plan\n" + PlanPrinter.print(plan);
        want.outputs()
                .forEach((name, v) -> same("output " + name, v, got.outputs().get(name), tol, where));
        want.updatedParameters()
                .forEach((name, v) ->
                        same("assigned " + name, v, got.updatedParameters().get(name), tol, where));
    }

    private static void same(String what, NdArray want, NdArray got, double tol, String where) {
        assertEquals(want.size(), got.size(), what + " size in " + where);
        double scale = KernelKinds.scale(want);
        for (int i = 0; i < want.size(); i++) {
            if (want.dtype().isFloat()) {
                double w = want.get(i);
                double x = got.get(i);
                boolean ok = Double.isNaN(w) ? Double.isNaN(x) : Math.abs(w - x) <= tol * scale || w == x;
                assertTrue(ok, what + "[" + i + "]: interpreter " + w + ", kernel IR " + x + " in " + where);
            } else {
                assertEquals(want.getLong(i), got.getLong(i), what + "[" + i + "] in " + where);
            }
        }
    }
}
