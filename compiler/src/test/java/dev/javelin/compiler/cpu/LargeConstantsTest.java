package dev.javelin.compiler.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.compiler.exec.Feeds;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Constants far beyond what a class's static initializer could hold as array literals (64 KiB of
 * bytecode: a few thousand elements) compile and give the interpreter's values: a rotary table's
 * worth of f32, i64 ids and a bool mask, each with values that need every bit (negative zero,
 * infinities, a NaN, extreme longs).
 */
class LargeConstantsTest {
    @Test
    void constantsOfAHundredThousandElementsCompile() {
        int n = 100_000;
        double[] f = new double[n];
        double[] ids = new double[n];
        double[] mask = new double[n];
        for (int i = 0; i < n; i++) {
            f[i] = Math.sin(i) * Math.pow(10, (i % 60) - 30);
            ids[i] = (i * 7919L) % 1_000_003 - 500_000;
            mask[i] = i % 3 == 0 ? 1 : 0;
        }
        f[1] = -0.0;
        f[2] = Double.POSITIVE_INFINITY;
        f[3] = Double.NEGATIVE_INFINITY;
        GraphBuilder g = new GraphBuilder("big_constants");
        Value x = g.input("x", TensorType.of(DType.F32, n));
        Value c = g.constant(TensorType.of(DType.F32, n), f);
        Value k = g.constant(TensorType.of(DType.I64, n), ids);
        Value m = g.constant(TensorType.of(DType.BOOL, n), mask);
        Value sum = g.binary(BinaryFn.ADD, x, c);
        g.output("y", g.select(m, sum, g.cast(k, DType.F32)));
        var graph = g.build();
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i % 11 - 5;
        }
        Map<String, NdArray> feeds = Map.of("x", NdArray.of(DType.F32, new long[] {n}, xs));
        NdArray want = Interpreter.run(graph, feeds).outputs().get("y");
        var plan = Pipeline.compile(graph, Map.of(), PassOptions.defaults()).plan();
        try (CpuPool pool = new CpuPool(2)) {
            var ex = CpuBackend.compile(plan, null, s -> {}).executor(pool);
            Feeds.setAll(ex, graph, feeds);
            ex.run();
            NdArray got = Feeds.get(ex, "output", "y");
            for (int i = 0; i < n; i++) {
                assertEquals(
                        Float.floatToIntBits((float) want.get(i)),
                        Float.floatToIntBits((float) got.get(i)),
                        "element " + i);
            }
        }
    }
}
