package dev.javelin.codegen.cuda.host;

import static dev.javelin.codegen.cuda.host.TestKernels.HEADER;
import static dev.javelin.codegen.cuda.host.TestKernels.header;
import static dev.javelin.codegen.cuda.host.TestKernels.launch;
import static dev.javelin.codegen.cuda.host.TestKernels.read;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shim's CUDA surface (math, bit casts, CUDA's min/max overloads, shuffles of every type) against Java. */
class HostBuiltinsTest {
    private static final double ERF_075 = 0.7111556336535151; // erf(0.75); Java has no erf
    private static final int THREADS = 64;

    @Test
    void builtinsMatchJava() {
        int[] offsets = {
            0,
            HEADER,
            HEADER + 128,
            HEADER + 256,
            HEADER + 320,
            HEADER + 320 + 4 * THREADS,
            HEADER + 320 + 12 * THREADS,
            HEADER + 320 + 20 * THREADS
        };
        int bytes = offsets[7] + 4 * THREADS;
        try (HostRunner runner = TestKernels.kernels().runner(bytes)) {
            header(runner, offsets);
            runner.launch(List.of(launch("builtins", 2, 1, THREADS, 1, 0)));
            ByteBuffer out = read(runner, 0, bytes);
            checkFloats(out, offsets[1]);
            checkDoubles(out, offsets[2]);
            long[] integers = {(0xdeadbeefL * 0x12345678L) >>> 32, -3, 7, -(1L << 40), 1L << 61, 1, 32, 2 * THREADS};
            for (int i = 0; i < integers.length; i++) {
                assertEquals(integers[i], out.getLong(offsets[3] + 8 * i), "integer built-in " + i);
            }
            for (int t = 0; t < THREADS; t++) {
                int lane = t % 32;
                assertEquals(3 * (lane + 1 < 32 ? t + 1 : t), out.getInt(offsets[4] + 4 * t), "unsigned, thread " + t);
                assertEquals((long) (lane + 2 < 32 ? t + 2 : t) << 33, out.getLong(offsets[5] + 8 * t), "long long");
                assertEquals(0.5 * (lane == 0 ? t + 31 : t), out.getDouble(offsets[6] + 8 * t), "double, thread " + t);
                assertEquals(-(lane + 4 < 32 ? t + 4 : t), out.getInt(offsets[7] + 4 * t), "int, thread " + t);
            }
        }
    }

    private static void checkFloats(ByteBuffer out, int at) {
        double x = 0.75;
        double[] libm = {
            Math.exp(x), Math.log(x), Math.sqrt(x), 1 / Math.sqrt(x), Math.tanh(x), ERF_075, Math.pow(x, 2.5)
        };
        for (int i = 0; i < libm.length; i++) {
            float expected = (float) libm[i];
            assertEquals(expected, out.getFloat(at + 4 * i), 2 * Math.ulp(expected), "float built-in " + i);
        }
        float[] exact = {0.75f, 0.75f, -0.75f, -1f, 1f, 2f};
        for (int i = 0; i < exact.length; i++) {
            assertEquals(exact[i], out.getFloat(at + 4 * (7 + i)), "float built-in " + (7 + i));
        }
        double[] more = {Math.log1p(x), Math.expm1(x), Math.sin(x), Math.cos(x)};
        for (int i = 0; i < more.length; i++) {
            float expected = (float) more[i];
            assertEquals(
                    expected, out.getFloat(at + 4 * (13 + i)), 2 * Math.ulp(expected), "float built-in " + (13 + i));
        }
        float[] tail = {1.3125f, Float.NEGATIVE_INFINITY, -0.75f, 0.75f, Math.nextUp(0.75f), -0.75f};
        for (int i = 0; i < tail.length; i++) {
            assertEquals(tail[i], out.getFloat(at + 4 * (17 + i)), "float built-in " + (17 + i));
        }
    }

    private static void checkDoubles(ByteBuffer out, int at) {
        double y = 0.75;
        double[] expected = {
            Math.exp(y),
            Math.log(y),
            Math.sqrt(y),
            Math.tanh(y),
            ERF_075,
            Math.pow(y, 2.5),
            0.75,
            0.75,
            -0.75,
            -1,
            1,
            4,
            Math.nextUp(0.75),
            -0.75,
            0.75
        };
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], out.getDouble(at + 8 * i), 2 * Math.ulp(expected[i]), "double built-in " + i);
        }
    }
}
