package dev.javelin.runtime.cpu;

import static dev.javelin.runtime.cpu.GemmKernel.VL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both micro-kernel shapes against the scalar chain they promise ({@code c = fma(a, b, c)} in
 * increasing p), whichever one this machine's {@link GemmKernel#WIDE} selects for {@link Gemm}: the
 * other runs on machines with the other register file, so it is checked here too.
 */
class GemmKernelTest {
    @Test
    void eightByTwoTileMatchesTheScalarChain() {
        check(8, 2 * VL, GemmKernel::micro8x2);
    }

    @Test
    void threeByThreeTileMatchesTheScalarChain() {
        check(3, 3 * VL, GemmKernel::micro3x3);
    }

    private interface Micro {
        void run(int kc, float[] a, int ap, float[] b, int bp, float[] c, int ci, int ldc, boolean load);
    }

    /** A tile written into a wider C (row stride ldc, at an offset), fresh and then resumed. */
    private static void check(int mr, int nr, Micro micro) {
        Random random = new Random(mr * 31 + nr);
        int kc = 37, ap = 5, bp = 11, ci = 3, ldc = nr + 7;
        float[] a = fill(random, ap + kc * mr);
        float[] b = fill(random, bp + kc * nr);
        float[] c = fill(random, ci + mr * ldc);
        float[] expected = c.clone();
        for (boolean load : new boolean[] {false, true}) {
            for (int r = 0; r < mr; r++) {
                for (int j = 0; j < nr; j++) {
                    int at = ci + r * ldc + j;
                    float s = load ? expected[at] : 0f;
                    for (int p = 0; p < kc; p++) {
                        s = Math.fma(a[ap + p * mr + r], b[bp + p * nr + j], s);
                    }
                    expected[at] = s;
                }
            }
            micro.run(kc, a, ap, b, bp, c, ci, ldc, load);
            assertArrayEquals(expected, c, (load ? "resumed" : "fresh") + " " + mr + "x" + nr + " tile");
        }
    }

    private static float[] fill(Random random, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        return x;
    }
}
