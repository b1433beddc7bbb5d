package dev.javelin.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.value.NdArray;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Every random valid graph runs on the interpreter, gives its declared types, and runs the same twice. */
class RandomGraphInterpreterPropertyTest {

    static Map<String, NdArray> feeds(Graph g, long seed, int batch) {
        Random r = new Random(seed);
        Map<String, NdArray> feeds = new HashMap<>();
        for (Node n : g.nodes()) {
            if (!n.inputs().isEmpty()
                    || !(n.op() instanceof dev.javelin.ir.op.Input || n.op() instanceof dev.javelin.ir.op.Parameter)) {
                continue;
            }
            long[] shape = n.type().shape().dims().stream()
                    .mapToLong(d -> d.isStatic() ? d.size() : batch)
                    .toArray();
            NdArray a = NdArray.zeros(n.type().dtype(), shape);
            for (int i = 0; i < a.size(); i++) {
                if (n.type().dtype().isInteger()) {
                    a.setLong(i, r.nextInt(RandomGraphs.INDEX_BOUND));
                } else {
                    a.set(i, (float) r.nextGaussian());
                }
            }
            feeds.put(n.name(), a);
        }
        return feeds;
    }

    @Property(tries = 150)
    void randomGraphsRunDeterministically(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 25) int steps,
            @ForAll @IntRange(min = 1, max = 3) int batch) {
        Graph g = RandomGraphs.generate(seed, steps);
        Map<String, NdArray> feeds = feeds(g, seed, batch);
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
    }
}
