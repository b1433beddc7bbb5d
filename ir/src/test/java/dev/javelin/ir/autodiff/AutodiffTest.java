package dev.javelin.ir.autodiff;

import static dev.javelin.ir.autodiff.GradCheck.assertNoDeadNodes;
import static dev.javelin.ir.autodiff.GradCheck.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.IrException;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The transformation's contract: its errors, zeros, no dead nodes, accumulation, seeds and conventions. */
class AutodiffTest {
    private static final TensorType VEC = TensorType.of(DType.F64, 3);

    private static Value sum(GraphBuilder b, Value x) {
        return b.reduce(ReduceFn.SUM, x, false, 0);
    }

    private static Value mul(GraphBuilder b, Value x, Value y) {
        return b.binary(BinaryFn.MUL, x, y);
    }

    private static NdArray vec(double... v) {
        return NdArray.of(DType.F64, shape(v.length), v);
    }

    /** Runs the builder's graph with {@code values} as outputs {@code r0, r1, ...}; returns them as doubles. */
    private static double[][] run(GraphBuilder b, Map<String, NdArray> feeds, Value... values) {
        for (int i = 0; i < values.length; i++) {
            b.output("r" + i, values[i]);
        }
        var out = Interpreter.run(b.build(), feeds).outputs();
        double[][] r = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            r[i] = out.get("r" + i).toDoubles();
        }
        return r;
    }

    private static List<String> mnemonicsFrom(GraphBuilder b, int before) {
        return b.nodes().subList(before, b.nodes().size()).stream()
                .map(n -> n.op().mnemonic())
                .toList();
    }

    @Test
    void aNonScalarLossIsAnError() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", TensorType.dims(DType.F32, "batch", 10));
        Value y = b.unary(UnaryFn.EXP, x);
        IrException e = assertThrows(IrException.class, () -> Autodiff.gradients(b, y, List.of(x)));
        assertEquals(
                "Autodiff.gradients: the loss must be a scalar float (rank 0), found %" + y.name()
                        + " : f32[batch,10] (reduce it to a scalar, or pass a seed for a vector-Jacobian product)",
                e.getMessage());
    }

    @Test
    void badSeedsAndWrtValuesAreErrors() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", VEC);
        Value ids = b.input("ids", TensorType.of(DType.I64, 3));
        Value loss = sum(b, x);
        assertEquals(
                "Autodiff.gradients: a wrt value must be a float tensor, found %ids : i64[3] (integer and bool"
                        + " values have no gradient)",
                assertThrows(IrException.class, () -> Autodiff.gradients(b, loss, List.of(ids)))
                        .getMessage());
        assertEquals(
                "Autodiff.gradients: the seed must have the output's type f64[3], found %" + loss.name() + " : f64[]",
                assertThrows(IrException.class, () -> Autodiff.gradients(b, x, loss, List.of(x)))
                        .getMessage());
        GraphBuilder other = new GraphBuilder("other");
        Value stranger = other.input("stranger", VEC);
        assertEquals(
                "Autodiff.gradients: the wrt value %stranger : f64[3] is not a value of graph g",
                assertThrows(IrException.class, () -> Autodiff.gradients(b, loss, List.of(stranger)))
                        .getMessage());
    }

    @Test
    void aValueTheLossDoesNotUseGetsZerosOfItsSymbolicType() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", TensorType.dims(DType.F32, "batch", 4));
        Value y = b.input("y", TensorType.of(DType.F32, 3));
        Value loss = sum(b, mul(b, y, y));
        int before = b.nodes().size();
        List<Value> grads = Autodiff.gradients(b, loss, List.of(x, y));
        assertEquals(x.type(), grads.get(0).type());
        // The zeros come last: a scalar 0 broadcast to f32[batch,4].
        assertEquals(
                List.of("constant", "broadcast"), mnemonicsFrom(b, b.nodes().size() - 2));
        assertEquals(grads.get(0).name(), b.nodes().getLast().name());
        assertNoDeadNodes(b, before, grads);
        Map<String, NdArray> feeds = new LinkedHashMap<>();
        feeds.put("x", NdArray.zeros(DType.F32, 2, 4));
        feeds.put("y", NdArray.of(DType.F32, shape(3), 1, 2, 3));
        double[][] r = run(b, feeds, grads.get(0), grads.get(1));
        assertArrayEquals(new double[8], r[0]);
        assertArrayEquals(new double[] {2, 4, 6}, r[1]);
    }

    /** Only the path x -> mul -> add -> sum is differentiated: nothing for sin(x), exp(y) or y's own gradient. */
    @Test
    void nodesOffThePathGetNoGradientNodes() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", VEC);
        Value y = b.input("y", VEC);
        b.unary(UnaryFn.SIN, x);
        Value loss = sum(b, b.binary(BinaryFn.ADD, mul(b, x, y), b.unary(UnaryFn.EXP, y)));
        int before = b.nodes().size();
        List<Value> grads = Autodiff.gradients(b, loss, List.of(x));
        // The seed 1, reshaped to [1] and broadcast back over the sum, times y.
        assertEquals(List.of("constant", "reshape", "broadcast", "mul"), mnemonicsFrom(b, before));
        Node last = b.nodes().getLast();
        assertEquals(y.name(), last.inputs().get(1));
        assertEquals(grads.get(0).name(), last.name());
    }

    @Test
    void aValueUsedTwiceAddsItsGradients() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", VEC);
        Value loss = sum(b, mul(b, x, x));
        List<Value> grads = Autodiff.gradients(b, loss, List.of(x));
        assertEquals("add", b.node(grads.get(0)).op().mnemonic());
        assertArrayEquals(new double[] {2, -4, 6}, run(b, Map.of("x", vec(1, -2, 3)), grads.get(0))[0]);
    }

    @Test
    void aSeedGivesTheVectorJacobianProduct() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", TensorType.of(DType.F64, 1, 2));
        Value w = b.parameter("w", TensorType.of(DType.F64, 2, 3));
        Value y = b.matmul(x, w);
        Value v = b.input("v", TensorType.of(DType.F64, 1, 3));
        List<Value> grads = Autodiff.gradients(b, y, v, List.of(x, w));
        Map<String, NdArray> feeds = Map.of(
                "x", NdArray.of(DType.F64, shape(1, 2), 1, 2),
                "w", NdArray.of(DType.F64, shape(2, 3), 1, 2, 3, 4, 5, 6),
                "v", NdArray.of(DType.F64, shape(1, 3), 1, 0, -1));
        double[][] r = run(b, feeds, grads.get(0), grads.get(1));
        // dx = v wᵀ = [1 - 3, 4 - 6]; dw = xᵀ v = [[1, 0, -1], [2, 0, -2]].
        assertArrayEquals(new double[] {-2, -2}, r[0]);
        assertArrayEquals(new double[] {1, 0, -1, 2, 0, -2}, r[1]);
    }

    @Test
    void intermediateAndRepeatedWrtValues() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", VEC);
        Value h = mul(b, x, b.scalar(DType.F64, 2));
        Value loss = sum(b, mul(b, h, h));
        List<Value> grads = Autodiff.gradients(b, loss, List.of(h, x, x, loss));
        assertSame(grads.get(1), grads.get(2));
        double[][] r = run(b, Map.of("x", vec(1, 2, -1)), grads.get(0), grads.get(1), grads.get(3));
        assertArrayEquals(new double[] {4, 8, -4}, r[0]); // 2h
        assertArrayEquals(new double[] {8, 16, -8}, r[1]); // 8x
        assertArrayEquals(new double[] {1}, r[2]); // dloss/dloss
    }

    @Test
    void integerValuesCarryNoGradient() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", VEC);
        Value truncated = b.cast(b.cast(x, DType.I32), DType.F64);
        Value loss = sum(b, mul(b, truncated, x));
        int before = b.nodes().size();
        List<Value> grads = Autodiff.gradients(b, loss, List.of(x));
        assertNoDeadNodes(b, before, grads);
        assertArrayEquals(new double[] {1, -2, 0}, run(b, Map.of("x", vec(1.5, -2.7, 0.3)), grads.get(0))[0]);
    }

    /** assign's value is its second operand; the gradient flows there and not into the overwritten state. */
    @Test
    void assignPassesTheGradientToItsNewValue() {
        GraphBuilder b = new GraphBuilder("g");
        Value p = b.parameter("p", VEC);
        Value next = b.assign(p, mul(b, p, b.scalar(DType.F64, 2)));
        Value loss = sum(b, mul(b, next, next));
        List<Value> grads = Autodiff.gradients(b, loss, List.of(p));
        assertArrayEquals(new double[] {8, 16, 24}, run(b, Map.of("p", vec(1, 2, 3)), grads.get(0))[0]);
    }

    @Test
    void secondOrderThroughElementwiseOpsWorks() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", VEC);
        Value first = Autodiff.gradients(b, sum(b, mul(b, mul(b, x, x), x)), List.of(x))
                .get(0);
        Value second = Autodiff.gradients(b, sum(b, first), List.of(x)).get(0);
        double[][] r = run(b, Map.of("x", vec(1, -2, 0.5)), first, second);
        assertArrayEquals(new double[] {3, 12, 0.75}, r[0], 1e-15);
        assertArrayEquals(new double[] {6, -12, 3}, r[1], 1e-15);
    }

    @Test
    void secondOrderThroughConvolutionIsAnError() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", TensorType.of(DType.F64, 1, 1, 3, 3));
        Value w = b.parameter("w", TensorType.of(DType.F64, 1, 1, 2, 2));
        Conv2d cv = new Conv2d(List.of(1L, 1L), List.of(0L, 0L, 0L, 0L), List.of(1L, 1L), 1);
        Value y = b.add(cv, x, w);
        Value loss = b.reduce(ReduceFn.SUM, mul(b, y, y), false, 0, 1, 2, 3);
        Value dw = Autodiff.gradients(b, loss, List.of(w)).get(0);
        Value again = b.reduce(ReduceFn.SUM, dw, false, 0, 1, 2, 3);
        IrException e = assertThrows(IrException.class, () -> Autodiff.gradients(b, again, List.of(x)));
        assertEquals(
                "gradient of conv2d_backprop_filter (node %" + dw.name() + ") is not supported (second-order)",
                e.getMessage());
    }

    /** pow's gradients stay finite at a zero and a negative base: the exponent's is 0 there by convention. */
    @Test
    void powAtZeroAndNegativeBases() {
        GraphBuilder b = new GraphBuilder("g");
        Value a = b.input("a", VEC);
        Value e = b.input("e", VEC);
        List<Value> grads = Autodiff.gradients(b, sum(b, b.binary(BinaryFn.POW, a, e)), List.of(a, e));
        double[][] r = run(b, Map.of("a", vec(0, -2, 2), "e", vec(2, 2, 0.5)), grads.get(0), grads.get(1));
        assertArrayEquals(new double[] {0, -4, 0.5 / Math.sqrt(2)}, r[0], 1e-15);
        assertArrayEquals(new double[] {0, 0, Math.sqrt(2) * Math.log(2)}, r[1], 1e-15);
    }

    /** Ties share the gradient equally, in max/min and in reduce_max/reduce_min. */
    @Test
    void tiesShareTheGradient() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", VEC);
        Value zero = b.scalar(DType.F64, 0);
        Value relu = Autodiff.gradients(b, sum(b, b.binary(BinaryFn.MAX, x, zero)), List.of(x))
                .get(0);
        Value self = Autodiff.gradients(b, sum(b, b.binary(BinaryFn.MIN, x, x)), List.of(x))
                .get(0);
        Value top = Autodiff.gradients(b, b.reduce(ReduceFn.MAX, x, false, 0), List.of(x))
                .get(0);
        double[][] r = run(b, Map.of("x", vec(-1, 0, 0)), relu, self, top);
        assertArrayEquals(new double[] {0, 0.5, 0.5}, r[0]);
        assertArrayEquals(new double[] {1, 1, 1}, r[1]);
        assertArrayEquals(new double[] {0, 0.5, 0.5}, r[2]);
    }
}
