package dev.javelin.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.testing.Seeds;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.value.NdArray;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every random valid graph runs on the interpreter, gives its declared types, and runs the same twice. */
class RandomGraphInterpreterPropertyTest {
    static LongStream seeds() {
        return Seeds.of("random-graph-interpreter", 200);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomGraphsRunDeterministically(long seed) {
        int batch = 1 + (int) Math.floorMod(seed, 3L);
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed >> 8, 25L), steps -> {
            Graph g = RandomGraphs.generate(seed, steps);
            Map<String, NdArray> feeds = RandomGraphs.feeds(g, seed, batch);
            Interpreter.Result first = Interpreter.run(g, feeds);
            Interpreter.Result second = Interpreter.run(g, feeds);
            assertEquals(first, second, "two runs of the same graph and feeds differ");
            for (var o : g.outputs()) {
                NdArray v = first.outputs().get(o.name());
                var declared = g.node(o.node()).type();
                assertEquals(declared.dtype(), v.dtype());
                long[] expected = declared.shape().dims().stream()
                        .mapToLong(d -> d instanceof Dim.Fixed f ? f.size() : batch)
                        .toArray();
                assertArrayEquals(expected, v.shape(), o.name());
            }
        });
    }
}
