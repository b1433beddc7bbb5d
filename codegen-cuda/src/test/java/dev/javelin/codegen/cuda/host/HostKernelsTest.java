package dev.javelin.codegen.cuda.host;

import static dev.javelin.codegen.cuda.host.TestKernels.HEADER;
import static dev.javelin.codegen.cuda.host.TestKernels.align;
import static dev.javelin.codegen.cuda.host.TestKernels.header;
import static dev.javelin.codegen.cuda.host.TestKernels.launch;
import static dev.javelin.codegen.cuda.host.TestKernels.read;
import static dev.javelin.codegen.cuda.host.TestKernels.readFloats;
import static dev.javelin.codegen.cuda.host.TestKernels.writeFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hand-written kernels of kernels.cu on the host harness, against plain Java. */
class HostKernelsTest {
    // A hang must fail the test quickly, not after the default 20 s.
    private static final HostRunner.Limits QUICK = new HostRunner.Limits(Duration.ofSeconds(60), Duration.ofSeconds(5));

    @ParameterizedTest(name = "n={0} grid={1} block={2}")
    @CsvSource({"1, 1, 32", "33, 1, 64", "1001, 3, 128", "4097, 2, 256", "777, 50, 32"})
    void gridStridePointwiseCoversOddSizesExactly(int n, int grid, int block) {
        float[] x = randomFloats(n, 1);
        int xOff = HEADER;
        int yOff = xOff + align(4L * n);
        try (HostRunner runner = TestKernels.kernels().runner(yOff + align(4L * n + 4), QUICK)) {
            header(runner, n, xOff, yOff);
            writeFloats(runner, xOff, x);
            writeFloats(runner, yOff + 4L * n, new float[] {-7.0f}); // a sentinel just past y
            runner.launch(List.of(launch("pointwise_affine", grid, 1, block, 1, 0)));
            float[] y = readFloats(runner, yOff, n + 1);
            for (int i = 0; i < n; i++) {
                float expected = Math.fma(2.5f, x[i], (float) Math.sqrt(Math.abs(x[i]))) - 1.0f;
                assertEquals(expected, y[i], "y[" + i + "]");
            }
            assertEquals(-7.0f, y[n], "the element past y must be untouched");
        }
    }

    @ParameterizedTest(name = "rows={0} cols={1} block={2}")
    @CsvSource({"5, 1000, 256", "4, 45, 96", "3, 1, 32", "7, 333, 64"})
    void blockReductionMatchesJavaSums(int rows, int cols, int block) {
        float[] x = randomFloats(rows * cols, 2);
        int xOff = HEADER;
        int outOff = xOff + align(4L * rows * cols);
        try (HostRunner runner = TestKernels.kernels().runner(outOff + align(4L * rows), QUICK)) {
            header(runner, rows, cols, xOff, outOff);
            writeFloats(runner, xOff, x);
            runner.launch(List.of(launch("row_sum", rows, 1, block, 1, 0)));
            float[] sums = readFloats(runner, outOff, rows);
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    sum += x[r * cols + c];
                    magnitude += Math.abs(x[r * cols + c]);
                }
                assertEquals(sum, sums[r], 1e-5 * magnitude + 1e-6, "row " + r);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{2} times {2}x{1}")
    @CsvSource({"37, 29, 45", "16, 16, 16", "1, 50, 3", "33, 17, 1"})
    void tiledMatmulMatchesTripleLoop(int m, int n, int k) {
        float[] a = randomFloats(m * k, 3);
        float[] b = randomFloats(k * n, 4);
        int aOff = HEADER;
        int bOff = aOff + align(4L * m * k);
        int cOff = bOff + align(4L * k * n);
        try (HostRunner runner = TestKernels.kernels().runner(cOff + align(4L * m * n), QUICK)) {
            header(runner, m, n, k, aOff, bOff, cOff);
            writeFloats(runner, aOff, a);
            writeFloats(runner, bOff, b);
            runner.launch(List.of(launch("matmul_tiled", (n + 15) / 16, (m + 15) / 16, 16, 16, 0)));
            float[] c = readFloats(runner, cOff, m * n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) a[i * k + p] * b[p * n + j];
                        magnitude += Math.abs((double) a[i * k + p] * b[p * n + j]);
                    }
                    assertEquals(sum, c[i * n + j], 1e-5 * magnitude + 1e-6, "C[" + i + "][" + j + "]");
                }
            }
        }
    }

    @Test
    void xorButterflyGivesEveryLaneItsWarpTotalForEachType() {
        int threads = 64;
        int[] offsets = {
            0,
            HEADER,
            HEADER + 4 * threads,
            HEADER + 8 * threads,
            HEADER + 12 * threads,
            HEADER + 20 * threads,
            HEADER + 28 * threads
        };
        try (HostRunner runner = TestKernels.kernels().runner(HEADER + 32L * threads, QUICK)) {
            header(runner, offsets);
            runner.launch(List.of(launch("butterfly", 1, 1, threads, 1, 0)));
            ByteBuffer out = read(runner, 0, HEADER + 32 * threads);
            for (int t = 0; t < threads; t++) {
                int lane = t % 32;
                assertEquals(528, out.getInt(offsets[1] + 4 * t), "int sum 1..32, thread " + t);
                assertEquals(0xffffffff, out.getInt(offsets[2] + 4 * t), "unsigned or of 1<<lane, thread " + t);
                assertEquals(248.0f, out.getFloat(offsets[3] + 4 * t), "float sum, thread " + t);
                assertEquals(124.0, out.getDouble(offsets[4] + 8 * t), "double sum, thread " + t);
                assertEquals(32L * (1L << 40) + 496, out.getLong(offsets[5] + 8 * t), "long long sum, thread " + t);
                int group = lane / 8 * 8;
                assertEquals(8 * group + 28, out.getInt(offsets[6] + 4 * t), "width-8 group sum, thread " + t);
            }
        }
    }

    @ParameterizedTest(name = "active={0}")
    @CsvSource({"80", "5", "128"})
    void threadsReturningEarlyNeverHoldUpLaterBarriers(int active) {
        int blocks = 3;
        try (HostRunner runner = TestKernels.kernels().runner(HEADER + 4L * blocks * active, QUICK)) {
            header(runner, active, HEADER);
            runner.launch(List.of(launch("early_exit", blocks, 1, 128, 1, 0)));
            float[] out = readFloats(runner, HEADER, blocks * active);
            for (int b = 0; b < blocks; b++) {
                for (int t = 0; t < active; t++) {
                    // buf[s] = 2 * value(s + 1), read back at s = t - 1: twice thread t's own value.
                    assertEquals(2.0f * (t + 1000 * b), out[b * active + t], "block " + b + ", thread " + t);
                }
            }
        }
    }

    @Test
    void dynamicSharedMemoryIsTheLaunchsBuffer() {
        int block = 64;
        int n = 4 * block;
        float[] in = randomFloats(n, 5);
        int inOff = HEADER;
        int outOff = inOff + align(4L * n);
        try (HostRunner runner = TestKernels.kernels().runner(outOff + align(4L * n), QUICK)) {
            header(runner, n, inOff, outOff);
            writeFloats(runner, inOff, in);
            runner.launch(List.of(launch("reverse_dynamic", n / block, 1, block, 1, 4 * block)));
            float[] out = readFloats(runner, outOff, n);
            for (int i = 0; i < n; i++) {
                int base = i / block * block;
                assertEquals(in[base + block - 1 - (i - base)], out[i], "out[" + i + "]");
            }
        }
    }

    @Test
    void launchesRunInOrderAndCopiesMoveBytesInsideTheBlock() {
        int n = 100;
        float[] x = randomFloats(n, 6);
        int xOff = HEADER;
        int yOff = xOff + align(4L * n);
        try (HostRunner runner = TestKernels.kernels().runner(yOff + align(4L * n), QUICK)) {
            header(runner, n, xOff, yOff);
            writeFloats(runner, xOff, x);
            // The second launch reads what the copy put back into x: y = f(f(x)).
            runner.launch(List.of(launch("pointwise_affine", 1, 1, 64, 1, 0)));
            runner.copy(yOff, xOff, 4L * n);
            runner.launch(List.of(launch("pointwise_affine", 2, 1, 32, 1, 0)));
            float[] y = readFloats(runner, yOff, n);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                float once = Math.fma(2.5f, x[i], (float) Math.sqrt(Math.abs(x[i]))) - 1.0f;
                expected[i] = Math.fma(2.5f, once, (float) Math.sqrt(Math.abs(once))) - 1.0f;
            }
            assertArrayEquals(expected, y);
        }
    }

    private static float[] randomFloats(int count, long seed) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextFloat() * 4.0f - 2.0f;
        }
        return values;
    }
}
