package dev.javelin.compiler.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.cpu.CpuMath;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The runtime's copies of reference functions (it may not depend on the IR) agree with the IR's. */
class RuntimeMathTest {
    @Test
    void philoxDrawsTheIrsNumbersBitForBit() {
        Random r = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            long seed = r.nextLong();
            long offset = n % 3 == 0 ? 0 : r.nextLong();
            long i = n < 100 ? n : r.nextLong() >>> 20;
            assertEquals(
                    dev.javelin.ir.random.Philox.uniform(seed, offset, i),
                    dev.javelin.runtime.cpu.Philox.uniform(seed, offset, i),
                    "uniform " + seed + " " + offset + " " + i);
            assertEquals(
                    Double.doubleToRawLongBits(dev.javelin.ir.random.Philox.normal(seed, offset, i)),
                    Double.doubleToRawLongBits(dev.javelin.runtime.cpu.Philox.normal(seed, offset, i)),
                    "normal " + seed + " " + offset + " " + i);
        }
    }

    @Test
    void erfMatchesTheInterpreters() {
        int n = 14_001;
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -7 + i * 0.001;
        }
        GraphBuilder b = new GraphBuilder("erf");
        Value x = b.input("x", TensorType.of(DType.F64, n));
        b.output("y", b.unary(UnaryFn.ERF, x));
        NdArray want = Interpreter.run(b.build(), Map.of("x", NdArray.of(DType.F64, new long[] {n}, xs)))
                .outputs()
                .get("y");
        for (int i = 0; i < n; i++) {
            double got = CpuMath.erf(xs[i]);
            assertTrue(
                    Math.abs(want.get(i) - got) <= 1e-14 * Math.abs(want.get(i)) + 1e-16,
                    xs[i] + ": interpreter " + want.get(i) + ", runtime " + got);
        }
    }
}
