package dev.javelin.compiler.cpu;

import static dev.javelin.compiler.KernelKinds.conv;
import static dev.javelin.compiler.KernelKinds.feeds;
import static dev.javelin.compiler.KernelKinds.gatherScatter;
import static dev.javelin.compiler.KernelKinds.matmul;
import static dev.javelin.compiler.KernelKinds.pointwise;
import static dev.javelin.compiler.KernelKinds.reduce;
import static dev.javelin.compiler.KernelKinds.softmax;
import static dev.javelin.compiler.KernelKinds.update;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.codegen.simd.CpuCodegen;
import dev.javelin.compiler.KernelKinds;
import dev.javelin.compiler.KernelKinds.Case;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel kind of the CPU backend on sizes that exercise its loops' edges: 1, 3, 17, the
 * vector length minus one, plus one and twice plus one (vector loop, scalar tail, both or
 * neither), with broadcasts, fused and unfused, on two threads, against the float64 interpreter.
 */
class CpuKernelKindsTest {
    private static final CpuPool POOL = new CpuPool(2);
    private static final int VL = FloatVector.SPECIES_PREFERRED.length();
    static final long[] SIZES = {1, 3, 17, VL - 1, VL + 1, 2L * VL + 1};

    @AfterAll
    static void close() {
        POOL.close();
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (long a : SIZES) {
            for (long b : new long[] {1, 3, VL + 1}) {
                out.add(new Case("pointwise " + a + "x" + b, pointwise(a, b)));
                out.add(new Case("reduce inner " + a + "x" + b, reduce(a, b, 1)));
                out.add(new Case("reduce outer " + a + "x" + b, reduce(a, b, 0)));
                out.add(new Case("softmax " + b + "x" + a, softmax(b, a)));
                out.add(new Case("exp summed and transposed " + b + "x" + a, expSummedAndTransposed(b, a)));
                out.add(new Case("two costly sums, one product " + b + "x" + a, twoCostlySums(b, a)));
                out.add(new Case("exp read lazily after the division " + b + "x" + a, readAfterDivision(b, a)));
                out.add(new Case("exp divided by its own first column " + b + "x" + a, dividedByOwnColumn(b, a)));
                out.add(new Case("exp written doubled before its sum " + b + "x" + a, writtenBeforeTheSum(b, a)));
                out.add(new Case("matmul " + a + "x" + b + "x" + (a + b), matmul(a, b, a + b, a % 2 == 0)));
                out.add(new Case("gather/scatter " + a + "x" + b, gatherScatter(a, b)));
                out.add(new Case("update " + a + "x" + b, update(a, b)));
            }
            for (long[][] shapes : BATCHED) {
                long[] x = shapes[0].clone();
                x[x.length - 2] = a; // the rows
                out.add(new Case(
                        "batched matmul " + java.util.Arrays.toString(x) + "x" + java.util.Arrays.toString(shapes[1])
                                + (shapes[2][0] == 1 ? " A transposed" : ""),
                        batchedMatmul(x, shapes[1], shapes[2][0] == 1)));
            }
            out.add(new Case("conv nchw " + a, conv(a, Layout.NCHW)));
            out.add(new Case("conv nhwc " + a, conv(a, Layout.NHWC)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheInterpreter(Case c) {
        Graph g = c.graph();
        Map<String, NdArray> feeds = feeds(g, c.name().hashCode());
        Interpreter.Result want = Interpreter.run(g, feeds);
        for (boolean fused : new boolean[] {true, false}) {
            PassOptions options =
                    fused ? PassOptions.verifying() : PassOptions.verifying().withDisabled(Pipeline.FUSE);
            var plan = Pipeline.compile(g, Map.of(), options).plan();
            CpuExecutor ex = CpuBackend.compile(plan, null, s -> {}).executor(POOL);
            Feeds.setAll(ex, g, feeds);
            ex.run();
            String where = (fused ? "fused" : "unfused") + " " + c.name();
            want.outputs().forEach((name, v) -> KernelKinds.compare(name, v, ex, "output", name, 1e-4, where));
            want.updatedParameters()
                    .forEach((name, v) -> KernelKinds.compare(name, v, ex, "parameter", name, 1e-4, where));
        }
    }

    /** Batched products (A's shape with its rows replaced per case, B's shape, A transposed?): folded or not. */
    static final long[][][] BATCHED = {
        {{2, 3, 0, 5}, {5, 4}, {0}}, // one weight for every batch: one GEMM of 6 * rows rows
        {{2, 0, 5}, {2, 5, 4}, {0}}, // B varies with the batch: a GEMM per batch
        {{3, 0, 5}, {1, 5, 4}, {0}}, // B broadcast from size 1: folds
        {{0, 5}, {3, 5, 4}, {0}}, // A broadcast over the batch: no fold
        {{2, 3, 0, 5}, {5, 4}, {1}}, // A transposed: its rows do not run on across the batch
    };

    static Graph batchedMatmul(long[] a, long[] b, boolean transposeA) {
        GraphBuilder g = new GraphBuilder("bmm");
        long[] as = a.clone();
        if (transposeA) {
            as[as.length - 1] = a[a.length - 2];
            as[as.length - 2] = a[a.length - 1];
        }
        Value x = g.input("x", KernelKinds.f32(as));
        Value w = g.parameter("w", KernelKinds.f32(b));
        Value y = g.add(new dev.javelin.ir.op.MatMul(transposeA, false), x, w);
        g.output("y", g.binary(BinaryFn.ADD, y, g.scalar(DType.F32, 1)));
        return g.build();
    }

    @Test
    void aLinearLayerOnABatchOfSequencesIsOneGemm() {
        var plan = Pipeline.compile(
                        batchedMatmul(new long[] {2, 3, 7, 5}, new long[] {5, 4}, false),
                        Map.of(),
                        PassOptions.defaults())
                .plan();
        String src = CpuCodegen.generate(plan, "p", "Folded").source();
        assertEquals(1, count(src, "gemm.multiply(42, 4, 5,"), src);
        var varying = Pipeline.compile(
                        batchedMatmul(new long[] {2, 7, 5}, new long[] {2, 5, 4}, false),
                        Map.of(),
                        PassOptions.defaults())
                .plan();
        // B varies by batch, so the batch stays: two small products, in one pool call.
        String perBatch = CpuCodegen.generate(varying, "p", "PerBatch").source();
        assertEquals(1, count(perBatch, "gemm.batched("), perBatch);
        assertEquals(0, count(perBatch, "gemm.multiply("), perBatch);
    }

    /**
     * {@code exp(x)} read by a row sum and by a transpose: the transpose is no reduction, so the
     * exponential stays lazy (computed by both loops).
     */
    static Graph expSummedAndTransposed(long rows, long cols) {
        GraphBuilder g = new GraphBuilder("exp_reuse");
        Value x = g.input("x", TensorType.of(DType.F32, rows, cols));
        Value e = g.unary(UnaryFn.EXP, x);
        g.output("s", g.reduce(ReduceFn.SUM, e, true, 1));
        g.output("t", g.binary(BinaryFn.MUL, g.permute(e, 1, 0), g.scalar(DType.F32, 2)));
        return g.build();
    }

    /** {@code exp(x)} and {@code tanh(x)}, each summed, both read by one product: one home only. */
    static Graph twoCostlySums(long rows, long cols) {
        GraphBuilder g = new GraphBuilder("two_costly");
        Value x = g.input("x", TensorType.of(DType.F32, rows, cols));
        Value a = g.unary(UnaryFn.EXP, x);
        Value b = g.unary(UnaryFn.TANH, x);
        g.output("sa", g.reduce(ReduceFn.SUM, a, true, 1));
        g.output("sb", g.reduce(ReduceFn.SUM, b, true, 1));
        g.output("y", g.binary(BinaryFn.MUL, a, b));
        return g.build();
    }

    /** {@code g = e + 1} stays lazy past the division that overwrites its home: e must not live there. */
    static Graph readAfterDivision(long rows, long cols) {
        GraphBuilder gb = new GraphBuilder("read_after");
        Value x = gb.input("x", TensorType.of(DType.F32, rows, cols));
        Value e = gb.unary(UnaryFn.EXP, x);
        Value s = gb.reduce(ReduceFn.SUM, e, true, 1);
        Value g = gb.binary(BinaryFn.ADD, e, gb.scalar(DType.F32, 1));
        Value d = gb.binary(BinaryFn.DIV, e, s);
        gb.output("d", d);
        gb.output("out", gb.binary(BinaryFn.MUL, g, d));
        return gb.build();
    }

    /** {@code e / e[:, 0:1]}: the division reads its home at another index than it writes. */
    static Graph dividedByOwnColumn(long rows, long cols) {
        GraphBuilder g = new GraphBuilder("own_column");
        Value x = g.input("x", TensorType.of(DType.F32, rows, cols));
        Value e = g.unary(UnaryFn.EXP, x);
        g.output("s", g.reduce(ReduceFn.SUM, e, true, 1));
        Value first = g.add(new Slice(List.of(new Slice.Range(1, 0, 1, 1))), e);
        g.output("d", g.binary(BinaryFn.DIV, e, first));
        return g.build();
    }

    /** {@code y = 2 exp(x)} written before {@code sum(exp(x))}: y's buffer is no home for exp(x). */
    static Graph writtenBeforeTheSum(long rows, long cols) {
        GraphBuilder g = new GraphBuilder("written_before");
        Value x = g.input("x", TensorType.of(DType.F32, rows, cols));
        Value e = g.unary(UnaryFn.EXP, x);
        g.output("y", g.binary(BinaryFn.MUL, e, g.scalar(DType.F32, 2)));
        g.output("s", g.reduce(ReduceFn.SUM, e, true, 1));
        return g.build();
    }

    @Test
    void fusedSoftmaxComputesEachExponentialOnce() {
        var plan = Pipeline.compile(softmax(8, 100), Map.of(), PassOptions.defaults())
                .plan();
        assertEquals(1, plan.kernels().size(), plan.kernels().toString());
        String src = CpuCodegen.generate(plan, "p", "SoftmaxOnce").source();
        assertEquals(1, count(src, "VectorOperators.EXP"), src);
        assertEquals(1, count(src, "Math.exp("), src);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
