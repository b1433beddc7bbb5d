package dev.javelin.ir.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differentiating any random valid graph (every primitive family, symbolic batch axes, state
 * updates) gives a valid graph: it verifies and round-trips through the text form (the builder's
 * self-check), every gradient has its value's type, no appended node is dead, and it runs. Values are
 * not compared here: random graphs have kinks (abs, max, floor, pooling ties) where finite
 * differences disagree legitimately; the gradient checks cover the numbers.
 */
class RandomGraphAutodiffPropertyTest {

    /** The same graph, node by node, in a builder that autodiff can append to. */
    private static GraphBuilder replay(Graph g) {
        GraphBuilder b = new GraphBuilder(g.name());
        Map<String, Value> values = new HashMap<>();
        for (Node n : g.nodes()) {
            Value v;
            if (n.op() instanceof Input) {
                v = b.input(n.name(), n.type());
            } else if (n.op() instanceof Parameter) {
                v = b.parameter(n.name(), n.type());
            } else {
                v = b.addNamed(
                        n.name(), n.op(), n.inputs().stream().map(values::get).toArray(Value[]::new));
            }
            assertEquals(n.name(), v.name());
            values.put(n.name(), v);
        }
        return b;
    }

    /** The sum of every float output's elements, in f64. */
    private static Value loss(GraphBuilder b, Graph g) {
        Value total = b.scalar(DType.F64, 0);
        for (Output o : g.outputs()) {
            Value v = b.value(g.node(o.node()));
            if (v.type().dtype().isFloat()) {
                Integer[] all = IntStream.range(0, v.type().rank()).boxed().toArray(Integer[]::new);
                Value s = b.cast(all.length == 0 ? v : b.reduce(ReduceFn.SUM, v, false, all), DType.F64);
                total = b.binary(BinaryFn.ADD, total, s);
            }
        }
        return total;
    }

    static LongStream seeds() {
        return dev.javelin.ir.testing.Seeds.of("random-graph-autodiff", 100);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void gradientsOfRandomGraphsAreValidGraphs(long seed) {
        int batch = 1 + (int) Math.floorMod(seed, 3L);
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed >> 8, 25L), steps -> differentiate(seed, steps, batch));
    }

    private static void differentiate(long seed, int steps, int batch) {
        Graph g = RandomGraphs.generate(seed, steps);
        GraphBuilder b = replay(g);
        Value loss = loss(b, g);
        List<Value> wrt = new ArrayList<>();
        for (Node n : g.nodes()) {
            if ((n.op() instanceof Input || n.op() instanceof Parameter)
                    && n.type().dtype().isFloat()) {
                wrt.add(b.value(n));
            }
        }
        int before = b.nodes().size();
        List<Value> grads = Autodiff.gradients(b, loss, wrt);
        GradCheck.assertNoDeadNodes(b, before, grads);
        for (int i = 0; i < grads.size(); i++) {
            assertEquals(wrt.get(i).type(), grads.get(i).type());
            b.output("grad_" + i, grads.get(i));
        }
        Graph full = b.build();
        var out = Interpreter.run(full, RandomGraphs.feeds(full, seed, batch)).outputs();
        for (int i = 0; i < grads.size(); i++) {
            long[] expected = wrt.get(i).type().shape().dims().stream()
                    .mapToLong(d -> d instanceof Dim.Fixed f ? f.size() : batch)
                    .toArray();
            assertArrayEquals(expected, out.get("grad_" + i).shape());
        }
    }
}
