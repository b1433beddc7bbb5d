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
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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

    @Test
    void floatErfIsWithinAFewUlpsOfTheDoubleOneInBothForms() {
        List<Float> xs = new java.util.ArrayList<>(List.of(
                0f,
                -0f,
                1e-30f,
                -1e-30f,
                1e-6f,
                0.4999999f,
                0.5f,
                0.5000001f,
                -0.5f,
                3.9f,
                3.9829903f,
                3.9999998f,
                4f,
                4.0000005f,
                6f,
                9f,
                -9f,
                100f));
        for (int i = 0; i <= 20_000; i++) {
            xs.add(-7f + i * 0.0007f);
        }
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        float[] in = new float[xs.size() + species.length()];
        for (int i = 0; i < xs.size(); i++) {
            in[i] = xs.get(i);
        }
        float[] vector = new float[in.length];
        for (int i = 0; i + species.length() <= in.length; i += species.length()) {
            CpuMath.erf(FloatVector.fromArray(species, in, i)).intoArray(vector, i);
        }
        for (int i = 0; i < xs.size(); i++) {
            float x = in[i];
            double want = CpuMath.erf((double) x);
            float scalar = CpuMath.erf(x);
            assertTrue(
                    Math.abs(scalar - want) <= 4e-7 * Math.abs(want) + 1e-37,
                    "erf(" + x + "): double " + want + ", float " + scalar);
            assertTrue(
                    Math.abs(vector[i] - scalar) <= 2.5e-7 * Math.abs(scalar) + 1e-37,
                    "erf(" + x + "): scalar " + scalar + ", vector " + vector[i]);
            assertEquals(Math.copySign(1f, x), Math.copySign(1f, scalar), "odd: erf(" + x + ")");
        }
        for (float special : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] lanes = new float[species.length()];
            java.util.Arrays.fill(lanes, special);
            float v = CpuMath.erf(FloatVector.fromArray(species, lanes, 0)).lane(0);
            float s = CpuMath.erf(special);
            assertEquals(
                    Float.isNaN(special) ? Float.NaN : Math.copySign(1f, special), s, "scalar erf(" + special + ")");
            assertEquals(s, v, "vector erf(" + special + ")");
        }
    }
}
