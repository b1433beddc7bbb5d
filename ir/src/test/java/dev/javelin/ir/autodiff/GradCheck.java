package dev.javelin.ir.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Gradient checks: the graph's own gradient, run on the reference interpreter, against central
 * finite differences of its loss, in float64.
 *
 * <p>The model's output {@code out} is reduced to the scalar loss {@code sum(out * w)} with random
 * weights {@code w} (fed as an input), so every output element and every direction is exercised.
 * Each element {@code x} of each float input is moved by {@code h = 1e-6 * max(1, |x|)} both ways:
 * the numeric derivative is {@code (L(x+h) - L(x-h)) / 2h}, whose truncation error is O(h^2) and
 * whose rounding error is about {@code 1e-16 * |L| / h}, both far below the tolerance for the small,
 * O(1) losses used here. The metric is {@code |analytic - numeric| / max(1, |analytic|, |numeric|)}:
 * relative for large derivatives and absolute near zero, where a relative error is meaningless. It
 * must stay below {@link #TOLERANCE}.
 *
 * <p>Every check also asserts that the gradient values have exactly the inputs' types and that every
 * node autodiff appended feeds a returned gradient (no dead nodes).
 */
final class GradCheck {
    static final double TOLERANCE = 1e-6;
    private static double worst;

    private GradCheck() {}

    /** Builds the output under test from the graph's inputs {@code x0, x1, ...}. */
    @FunctionalInterface
    interface Model {
        Value build(GraphBuilder b, List<Value> x);
    }

    /** An input: its declared type (which may be symbolic) and the value fed to it. */
    record Arg(TensorType declared, NdArray value) {}

    static Arg arg(NdArray value) {
        return new Arg(value.type(), value);
    }

    static Arg arg(TensorType declared, NdArray value) {
        return new Arg(declared, value);
    }

    /** The largest error any check of this JVM has seen so far. */
    static synchronized double worst() {
        return worst;
    }

    private static synchronized void record(double err) {
        worst = Math.max(worst, err);
    }

    /** Checks the gradient of {@code sum(model(args) * w)} with respect to every float argument; returns the largest error. */
    static double check(String name, Model model, Arg... args) {
        GraphBuilder b = new GraphBuilder(name);
        List<Value> xs = new ArrayList<>();
        Map<String, NdArray> feeds = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            xs.add(b.input("x" + i, args[i].declared()));
            feeds.put("x" + i, args[i].value());
        }
        Value out = model.build(b, xs);
        assertTrue(out.type().dtype().isFloat(), "the model's output must be float, found " + out.type());
        b.output("out", out);
        long[] outShape = Interpreter.run(b.build(), feeds).outputs().get("out").shape();
        Value w = b.input("w", out.type());
        Value weighted = b.binary(BinaryFn.MUL, out, w);
        Value loss = out.type().rank() == 0
                ? weighted
                : b.add(
                        new Reduce(
                                ReduceFn.SUM,
                                IntStream.range(0, out.type().rank()).boxed().toList(),
                                false),
                        weighted);
        b.output("loss", loss);
        Graph forward = b.build();
        feeds.put("w", uniform(new Random(name.hashCode()), out.type().dtype(), outShape, -1, 1));

        List<Integer> wrtAt = IntStream.range(0, args.length)
                .filter(i -> args[i].declared().dtype().isFloat())
                .boxed()
                .toList();
        List<Value> wrt = wrtAt.stream().map(xs::get).toList();
        int before = b.nodes().size();
        List<Value> grads = Autodiff.gradients(b, loss, wrt);
        assertEquals(wrt.size(), grads.size());
        for (int k = 0; k < grads.size(); k++) {
            assertEquals(
                    wrt.get(k).type(),
                    grads.get(k).type(),
                    "type of the gradient for " + wrt.get(k).name());
            b.output("grad" + k, grads.get(k));
        }
        assertNoDeadNodes(b, before, grads);
        Map<String, NdArray> analytic = Interpreter.run(b.build(), feeds).outputs();

        double maxErr = 0;
        for (int k = 0; k < wrtAt.size(); k++) {
            String input = "x" + wrtAt.get(k);
            NdArray x = feeds.get(input);
            NdArray g = analytic.get("grad" + k);
            for (int j = 0; j < x.size(); j++) {
                double numeric = numeric(forward, feeds, input, j);
                double a = g.get(j);
                double err = Math.abs(a - numeric) / Math.max(1, Math.max(Math.abs(a), Math.abs(numeric)));
                if (!(err < TOLERANCE)) {
                    fail(name + ": d loss / d " + input + "[" + j + "] is " + a + " by autodiff but " + numeric
                            + " by finite differences (error " + err + ")");
                }
                maxErr = Math.max(maxErr, err);
            }
        }
        record(maxErr);
        return maxErr;
    }

    private static double numeric(Graph forward, Map<String, NdArray> feeds, String input, int j) {
        NdArray x = feeds.get(input);
        double h = 1e-6 * Math.max(1, Math.abs(x.get(j)));
        return (lossAt(forward, feeds, input, j, x.get(j) + h) - lossAt(forward, feeds, input, j, x.get(j) - h))
                / (2 * h);
    }

    private static double lossAt(Graph forward, Map<String, NdArray> feeds, String input, int j, double v) {
        Map<String, NdArray> moved = new LinkedHashMap<>(feeds);
        NdArray x = NdArray.of(
                feeds.get(input).dtype(),
                feeds.get(input).shape(),
                feeds.get(input).toDoubles());
        x.set(j, v);
        moved.put(input, x);
        return Interpreter.run(forward, moved).outputs().get("loss").get(0);
    }

    /** Every node added after the first {@code before} must feed one of {@code results}. */
    static void assertNoDeadNodes(GraphBuilder b, int before, List<Value> results) {
        Map<String, Node> byName = new LinkedHashMap<>();
        for (Node n : b.nodes()) {
            byName.put(n.name(), n);
        }
        Set<String> live = new HashSet<>();
        List<String> work = new ArrayList<>(results.stream().map(Value::name).toList());
        while (!work.isEmpty()) {
            String n = work.removeLast();
            if (live.add(n)) {
                work.addAll(byName.get(n).inputs());
            }
        }
        for (Node n : b.nodes().subList(before, b.nodes().size())) {
            assertTrue(live.contains(n.name()), "autodiff added a dead node: %" + n.name() + " = " + n.op().mnemonic());
        }
    }

    // --- random inputs ---

    static NdArray uniform(Random r, DType d, long[] shape, double lo, double hi) {
        NdArray a = NdArray.zeros(d, shape);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, lo + (hi - lo) * r.nextDouble());
        }
        return a;
    }

    static NdArray uniform(Random r, long[] shape, double lo, double hi) {
        return uniform(r, DType.F64, shape, lo, hi);
    }

    /** Magnitudes in [lo, hi] with random signs: away from 0, for the kinks of abs and sign. */
    static NdArray awayFromZero(Random r, long[] shape, double lo, double hi) {
        NdArray a = uniform(r, shape, lo, hi);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, r.nextBoolean() ? a.get(i) : -a.get(i));
        }
        return a;
    }

    /** Pairwise distinct values at least {@code gap} apart, shuffled: no ties for max, min and pooling. */
    static NdArray distinct(Random r, long[] shape, double gap) {
        NdArray a = NdArray.zeros(DType.F64, shape);
        List<Integer> order =
                new ArrayList<>(IntStream.range(0, a.size()).boxed().toList());
        Collections.shuffle(order, r);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, (order.get(i) - a.size() / 2.0) * gap);
        }
        return a;
    }

    /** Odd multiples of {@code gap / 2} when {@code odd}, else multiples of {@code gap}: two such arrays never tie. */
    static NdArray grid(Random r, long[] shape, double gap, boolean odd) {
        NdArray a = NdArray.zeros(DType.F64, shape);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, (r.nextInt(21) - 10) * gap + (odd ? gap / 2 : 0));
        }
        return a;
    }

    static NdArray indices(Random r, long[] shape, int bound) {
        NdArray a = NdArray.zeros(DType.I64, shape);
        for (int i = 0; i < a.size(); i++) {
            a.setLong(i, r.nextInt(bound));
        }
        return a;
    }

    static long[] shape(long... dims) {
        return dims;
    }
}
