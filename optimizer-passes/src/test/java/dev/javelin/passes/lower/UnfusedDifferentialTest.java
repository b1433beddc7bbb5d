package dev.javelin.passes.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.plan.PlanPrinter;
import dev.javelin.ir.plan.PlanVerifier;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.testing.Seeds;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.memory.MemoryNumbers;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential: the unfused, memory-planned plan of a random graph, run by the plan interpreter over
 * its real arena, gives exactly the graph interpreter's outputs and assigned values (both compute
 * in float64 with the same per-op code, so any difference is a lowering or planning bug, e.g. two
 * live buffers sharing bytes). Every plan also verifies (including the overlap check), round-trips
 * through its text form, is deterministic, and has lower_bound <= peak <= no_reuse.
 */
class UnfusedDifferentialTest {
    static LongStream seeds() {
        return Seeds.of("unfused-plan-differential", 250);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void unfusedPlanMatchesTheGraphInterpreter(long seed) {
        long batch = 1 + Math.floorMod(seed, 3L);
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed >> 8, 30L), steps -> {
            Graph g = RandomGraphs.generate(seed, steps);
            Map<String, Long> sizes = Map.of("batch", batch);
            Plan plan = UnfusedLowering.plan(g, sizes);
            PlanVerifier.verify(plan);
            String text = PlanPrinter.print(plan);
            assertEquals(plan, PlanParser.parse(text), "plan text does not parse back equal");
            assertEquals(text, PlanPrinter.print(UnfusedLowering.plan(g, sizes)), "lowering is not deterministic");

            Map<String, NdArray> feeds = RandomGraphs.feeds(g, seed, (int) batch);
            Interpreter.Result want = Interpreter.run(g, feeds);
            Interpreter.Result got = PlanInterpreter.run(plan, feeds);
            assertEquals(want.outputs(), got.outputs(), "outputs differ for plan\n" + text);
            assertEquals(want.updatedParameters(), got.updatedParameters(), "assigned values differ\n" + text);

            MemoryNumbers m = MemoryNumbers.of(plan);
            assertTrue(
                    m.lowerBoundBytes() <= m.peakBytes() && m.peakBytes() <= m.noReuseBytes(),
                    "expected lower_bound <= peak <= no_reuse, found " + m);
        });
    }
}
