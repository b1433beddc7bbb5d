package dev.javelin.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.Executor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Graphs of every kernel kind at chosen sizes, their random feeds, and the comparison of a backend's
 * results with the interpreter's: shared by the CPU and CUDA kernel-kind tests and the fuzz tests.
 */
public final class KernelKinds {
    private KernelKinds() {}

    public record Case(String name, Graph graph) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static TensorType f32(long... dims) {
        return TensorType.of(DType.F32, dims);
    }

    /** A pointwise chain with a row and a column broadcast and a transcendental. */
    public static Graph pointwise(long a, long b) {
        GraphBuilder g = new GraphBuilder("pw");
        Value x = g.input("x", f32(a, b));
        Value row = g.parameter("row", f32(b));
        Value col = g.parameter("col", f32(a, 1));
        Value t = g.binary(BinaryFn.ADD, g.binary(BinaryFn.MUL, x, row), col);
        t = g.unary(UnaryFn.TANH, t);
        Value mask = g.binary(BinaryFn.GT, t, g.scalar(DType.F32, 0));
        g.output("y", g.select(mask, t, g.unary(UnaryFn.EXP, t)));
        g.output("m", mask);
        return g.build();
    }

    /**
     * A chain of {@code length} pointwise ops on a [4, 17] input: tanh, a scale by a constant and a
     * row-broadcast parameter in turn (values stay within [-2, 2], so float32 error does not grow).
     */
    public static Graph chain(int length) {
        GraphBuilder g = new GraphBuilder("chain" + length);
        Value x = g.input("x", f32(4, 17));
        Value p = g.parameter("p", f32(17));
        Value v = x;
        for (int i = 0; i < length; i++) {
            v = switch (i % 3) {
                case 0 -> g.unary(UnaryFn.TANH, v);
                case 1 -> g.binary(BinaryFn.MUL, v, g.scalar(DType.F32, 0.9));
                default -> g.binary(BinaryFn.ADD, v, p);
            };
        }
        g.output("y", v);
        return g.build();
    }

    public static Graph reduce(long a, long b, int axis) {
        GraphBuilder g = new GraphBuilder("red");
        Value x = g.input("x", f32(a, b));
        g.output("sum", g.reduce(ReduceFn.SUM, g.binary(BinaryFn.MUL, x, x), false, axis));
        g.output("max", g.reduce(ReduceFn.MAX, x, true, axis));
        g.output("all", g.reduce(ReduceFn.MIN, x, false, 0, 1));
        return g.build();
    }

    public static Graph softmax(long rows, long cols) {
        GraphBuilder g = new GraphBuilder("softmax");
        Value x = g.input("x", f32(rows, cols));
        Value e = g.unary(UnaryFn.EXP, g.binary(BinaryFn.SUB, x, g.reduce(ReduceFn.MAX, x, true, 1)));
        g.output("p", g.binary(BinaryFn.DIV, e, g.reduce(ReduceFn.SUM, e, true, 1)));
        return g.build();
    }

    public static Graph matmul(long m, long k, long n, boolean transposed) {
        GraphBuilder g = new GraphBuilder("mm");
        Value x = g.input("x", transposed ? f32(k, m) : f32(m, k));
        Value w = g.parameter("w", f32(k, n));
        Value bias = g.parameter("b", f32(n));
        Value y = g.add(new MatMul(transposed, false), x, w);
        g.output("y", g.binary(BinaryFn.MAX, g.binary(BinaryFn.ADD, y, bias), g.scalar(DType.F32, 0)));
        return g.build();
    }

    public static Graph gatherScatter(long rows, long width) {
        GraphBuilder g = new GraphBuilder("gs");
        Value table = g.parameter("table", f32(rows, width));
        Value idx = g.input("idx", TensorType.of(DType.I64, 5));
        Value got = g.add(new Gather(0), table, idx);
        g.output("got", got);
        g.output("scattered", g.add(new ScatterAdd(0), table, idx, g.unary(UnaryFn.NEG, got)));
        return g.build();
    }

    /** An SGD-with-momentum style update of two parameters: a multi-tensor kernel. */
    public static Graph update(long a, long b) {
        GraphBuilder g = new GraphBuilder("upd");
        Value p = g.parameter("p", f32(a, b));
        Value v = g.parameter("v", f32(a, b));
        Value q = g.parameter("q", f32(b));
        Value grad = g.input("g", f32(a, b));
        Value v2 = g.binary(BinaryFn.ADD, g.binary(BinaryFn.MUL, v, g.scalar(DType.F32, 0.9)), grad);
        g.assign(v, v2);
        g.assign(p, g.binary(BinaryFn.SUB, p, g.binary(BinaryFn.MUL, v2, g.scalar(DType.F32, 0.1))));
        g.assign(q, g.binary(BinaryFn.MUL, q, g.scalar(DType.F32, 0.5)));
        g.output("v2", v2);
        return g.build();
    }

    /** Convolution (padding 1, stride 2), ReLU and max pooling on an image of side {@code s + 2}. */
    public static Graph conv(long s, Layout layout) {
        GraphBuilder g = new GraphBuilder("conv");
        long side = s + 2;
        boolean nhwc = layout == Layout.NHWC;
        Value x = g.input("x", nhwc ? f32(2, side, side, 3) : f32(2, 3, side, side));
        // [O, C, KH, KW] in NCHW, [O, KH, KW, C] in NHWC: the same numbers with C = KH = KW = 3.
        Value w = g.parameter("w", f32(4, 3, 3, 3));
        Conv2d op = new Conv2d(List.of(2L, 2L), List.of(1L, 1L, 1L, 1L), List.of(1L, 1L), 1).inLayout(layout);
        Value y = g.binary(BinaryFn.MAX, g.add(op, x, w), g.scalar(DType.F32, 0));
        Pool2d pool =
                new Pool2d(PoolKind.MAX, List.of(2L, 2L), List.of(1L, 1L), List.of(0L, 1L, 0L, 1L)).inLayout(layout);
        g.output("y", g.add(pool, y));
        return g.build();
    }

    public static Map<String, NdArray> feeds(Graph g, long seed) {
        Random r = new Random(seed);
        Map<String, NdArray> feeds = new HashMap<>();
        List<Node> fed = new ArrayList<>(g.inputs());
        fed.addAll(g.parameters());
        for (Node n : fed) {
            long[] shape =
                    n.type().shape().dims().stream().mapToLong(d -> d.size()).toArray();
            NdArray a = NdArray.zeros(n.type().dtype(), shape);
            for (int i = 0; i < a.size(); i++) {
                if (n.type().dtype() == DType.I64) {
                    // Indices into the table's rows (repeats included, so scatter-add accumulates).
                    long rows = g.find("table")
                            .orElseThrow()
                            .type()
                            .shape()
                            .dims()
                            .getFirst()
                            .size();
                    a.setLong(i, r.nextInt((int) rows));
                } else {
                    a.set(i, (float) r.nextGaussian());
                }
            }
            feeds.put(n.name(), a);
        }
        return feeds;
    }

    public static void compare(
            String what, NdArray want, Executor ex, String role, String name, double tol, String where) {
        if (want.dtype() == DType.F32) {
            float[] got = ex.get(role, name);
            double scale = scale(want);
            for (int i = 0; i < got.length; i++) {
                double w = want.get(i);
                boolean same =
                        Double.isNaN(w) ? Float.isNaN(got[i]) : Math.abs(w - got[i]) <= tol * scale || w == got[i];
                assertTrue(same, what + "[" + i + "]: interpreter " + w + ", backend " + got[i] + " in " + where);
            }
        } else if (want.dtype().isFloat()) {
            double[] got = ex.getDoubles(role, name);
            double tolerance = tol * scale(want);
            for (int i = 0; i < got.length; i++) {
                double w = want.get(i);
                assertTrue(
                        Double.isNaN(w) ? Double.isNaN(got[i]) : Math.abs(w - got[i]) <= tolerance || w == got[i],
                        what + "[" + i + "]: interpreter " + w + ", backend " + got[i] + " in " + where);
            }
        } else {
            long[] got = ex.getLongs(role, name);
            for (int i = 0; i < got.length; i++) {
                assertEquals(want.getLong(i), got[i], what + "[" + i + "] in " + where);
            }
        }
    }

    public static double scale(NdArray a) {
        double scale = 1;
        for (int i = 0; i < a.size(); i++) {
            double v = Math.abs(a.get(i));
            if (Double.isFinite(v)) {
                scale = Math.max(scale, v);
            }
        }
        return scale;
    }
}
