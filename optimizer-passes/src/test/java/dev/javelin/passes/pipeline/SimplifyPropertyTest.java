package dev.javelin.passes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.testing.Seeds;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.value.NdArray;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential property: the simplify pipeline never changes what the reference interpreter
 * computes (outputs and parameter updates, compared exactly with NaN equal to NaN and -0.0 apart
 * from 0.0), keeps the graph's interface, and is deterministic (two runs print identically).
 */
class SimplifyPropertyTest {
    static LongStream seeds() {
        return Seeds.of("simplify-pipeline", 250);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void simplifyingKeepsTheInterpretersResultsExactlyAndIsDeterministic(long seed) {
        int batch = 1 + (int) Math.floorMod(seed, 3L);
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed >> 8, 30L), steps -> {
            Graph g = RandomGraphs.generate(seed, steps);
            Graph simplified = Pipeline.run(g, PassOptions.verifying()).graph();
            assertEquals(
                    Printer.print(simplified),
                    Printer.print(Pipeline.run(g, PassOptions.verifying()).graph()),
                    "two runs of the pipeline differ");
            assertEquals(g.inputs(), simplified.inputs(), "inputs are the interface and stay");
            assertEquals(g.parameters(), simplified.parameters(), "parameters are the interface and stay");
            Map<String, NdArray> feeds = RandomGraphs.feeds(g, seed, batch);
            assertEquals(
                    Interpreter.run(g, feeds),
                    Interpreter.run(simplified, feeds),
                    "results before and after simplify differ; simplified graph:\n" + Printer.print(simplified));
        });
    }

    /** The property means something only if the passes change the random graphs: count that they do. */
    @org.junit.jupiter.api.Test
    void theRandomGraphsExerciseEveryPass() {
        Map<String, Long> totals = new java.util.TreeMap<>();
        seeds().forEach(seed -> {
            Graph g = RandomGraphs.generate(seed, 1 + (int) Math.floorMod(seed >> 8, 30L));
            for (PassRun run : Pipeline.run(g, PassOptions.verifying()).runs()) {
                run.counters().forEach((k, v) -> totals.merge(run.name() + "." + k, v, Long::sum));
            }
        });
        for (String counter :
                java.util.List.of("fold-constants.folded", "identities.rewrites", "cse.merged", "dce.removed")) {
            org.junit.jupiter.api.Assertions.assertTrue(
                    totals.getOrDefault(counter, 0L) > 0,
                    "expected " + counter + " > 0 over the random graphs, found totals " + totals);
        }
    }
}
