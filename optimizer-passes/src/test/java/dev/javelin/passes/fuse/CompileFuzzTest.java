package dev.javelin.passes.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.plan.PlanPrinter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.memory.MemoryNumbers;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential fuzzing of the whole compiler: random valid graphs (every primitive, broadcasting,
 * views, reductions, matmul) compiled by {@link Pipeline#compile}, fused and unfused, with
 * verification after every pass; each memory-planned plan run by the plan interpreter over its real
 * arena must give exactly the graph interpreter's outputs and parameter updates (both evaluate the
 * same per-op float64 code, and every pass is exact), print and parse back equal, come out
 * byte-identical from a second compile, and have {@code lower_bound <= peak <= no_reuse}. A
 * failure is shrunk to the fewest steps and printed as IR text.
 *
 * <p>{@value #GRAPHS} graphs per run. The seeds derive from {@code -Djavelin.fuzz.seed=N} or the
 * environment's {@code JAVELIN_FUZZ_SEED} (CI sets a fresh one each run; the test prints it), by
 * default a fixed one.
 */
class CompileFuzzTest {
    static final int GRAPHS = 1000;

    static long masterSeed() {
        return RandomGraphs.masterSeed(20261126L);
    }

    @BeforeAll
    static void logSeed() {
        System.out.println("CompileFuzzTest: " + GRAPHS + " graphs from seed " + masterSeed()
                + " (rerun with JAVELIN_FUZZ_SEED=" + masterSeed() + ")");
    }

    static LongStream seeds() {
        return RandomGraphs.seeds(masterSeed(), GRAPHS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void compiledPlansMatchTheGraphInterpreter(long seed) {
        long batch = 1 + Math.floorMod(seed, 3L);
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed >> 8, 40L), steps -> {
            Graph g = RandomGraphs.generate(seed, steps);
            Map<String, Long> sizes = Map.of("batch", batch);
            Map<String, NdArray> feeds = RandomGraphs.feeds(g, seed, (int) batch);
            Interpreter.Result want = Interpreter.run(g, feeds);
            for (boolean fused : new boolean[] {true, false}) {
                PassOptions options = fused
                        ? PassOptions.verifying()
                        : PassOptions.verifying().withDisabled(Pipeline.FUSE);
                Compilation c = Pipeline.compile(g, sizes, options);
                Plan plan = c.plan();
                String text = PlanPrinter.print(plan);
                String mode = fused ? "fused" : "unfused";
                assertEquals(plan, PlanParser.parse(text), mode + " plan text does not parse back equal");
                assertEquals(
                        text,
                        PlanPrinter.print(Pipeline.compile(g, sizes, options).plan()),
                        mode + " compile is not deterministic");
                Interpreter.Result got = PlanInterpreter.run(plan, feeds);
                assertEquals(want.outputs(), got.outputs(), mode + " outputs differ for plan\n" + text);
                assertEquals(
                        want.updatedParameters(),
                        got.updatedParameters(),
                        mode + " assigned values differ for plan\n" + text);
                MemoryNumbers m = c.memory();
                assertTrue(
                        m.lowerBoundBytes() <= m.peakBytes() && m.peakBytes() <= m.noReuseBytes(),
                        mode + ": expected lower_bound <= peak <= no_reuse, found " + m);
            }
        });
    }
}
