package dev.javelin.benchmarks;

import dev.javelin.compiler.cli.PointwiseBench;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The graphs the benchmarks time, one per kernel kind, all f32 with static shapes, and their seeded
 * feeds. Fused, each is one kernel (the GEMM's epilogue rides with its product); unfused, every op
 * is its own kernel that reads and writes memory.
 */
public final class KernelGraphs {
    private KernelGraphs() {}

    /**
     * The chain of eight ops of {@code javelin bench --pointwise} over {@code n} elements (multiply,
     * add, max, subtract, square, negate, add, min): fused it reads x and s and writes y once.
     */
    public static Graph pointwiseChain(long n) {
        return PointwiseBench.chain(n);
    }

    /** Numerically stable softmax of each row: {@code exp(x - max) / sum(exp(x - max))}. */
    public static Graph softmax(long rows, long cols) {
        GraphBuilder b = new GraphBuilder("row_softmax");
        Value x = b.input("x", f32(rows, cols));
        Value e = b.unary(UnaryFn.EXP, b.binary(BinaryFn.SUB, x, b.reduce(ReduceFn.MAX, x, true, 1)));
        b.output("p", b.binary(BinaryFn.DIV, e, b.reduce(ReduceFn.SUM, e, true, 1)));
        return b.build();
    }

    /**
     * Layer norm over the last dimension, as the DSL decomposes it: {@code (x - mean) * rsqrt(var +
     * 1e-5) * gamma + beta}.
     */
    public static Graph layerNorm(long rows, long cols) {
        GraphBuilder b = new GraphBuilder("layer_norm");
        Value x = b.input("x", f32(rows, cols));
        Value gamma = b.parameter("gamma", f32(cols));
        Value beta = b.parameter("beta", f32(cols));
        Value perCol = b.scalar(DType.F32, 1.0 / cols);
        Value mean = b.binary(BinaryFn.MUL, b.reduce(ReduceFn.SUM, x, true, 1), perCol);
        Value centered = b.binary(BinaryFn.SUB, x, mean);
        Value var = b.binary(
                BinaryFn.MUL, b.reduce(ReduceFn.SUM, b.binary(BinaryFn.MUL, centered, centered), true, 1), perCol);
        Value inv = b.unary(UnaryFn.RSQRT, b.binary(BinaryFn.ADD, var, b.scalar(DType.F32, 1e-5)));
        Value y = b.binary(BinaryFn.MUL, b.binary(BinaryFn.MUL, centered, inv), gamma);
        b.output("y", b.binary(BinaryFn.ADD, y, beta));
        return b.build();
    }

    /** {@code relu(x @ w + bias)} with x of [m, k] fed each step, w of [k, n] and bias of [n] parameters. */
    public static Graph gemmBiasRelu(long m, long k, long n) {
        GraphBuilder b = new GraphBuilder("gemm_bias_relu");
        Value x = b.input("x", f32(m, k));
        Value w = b.parameter("w", f32(k, n));
        Value bias = b.parameter("bias", f32(n));
        Value h = b.binary(BinaryFn.ADD, b.matmul(x, w), bias);
        b.output("y", b.binary(BinaryFn.MAX, h, b.scalar(DType.F32, 0)));
        return b.build();
    }

    /** Standard normal values, rounded to f32, for every input and parameter of {@code g}. */
    public static Map<String, NdArray> feeds(Graph g, long seed) {
        Random r = new Random(seed);
        List<Node> fed = new ArrayList<>(g.inputs());
        fed.addAll(g.parameters());
        Map<String, NdArray> feeds = new LinkedHashMap<>();
        for (Node node : fed) {
            long[] shape =
                    node.type().shape().dims().stream().mapToLong(d -> d.size()).toArray();
            NdArray a = NdArray.zeros(DType.F32, shape);
            for (int i = 0; i < a.size(); i++) {
                a.set(i, (float) r.nextGaussian());
            }
            feeds.put(node.name(), a);
        }
        return feeds;
    }

    private static TensorType f32(long... dims) {
        return TensorType.of(DType.F32, dims);
    }
}
